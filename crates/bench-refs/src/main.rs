//! `spindle-bench-refs`: the references `npm run bench` measures spindle's native kernels
//! against, in a process of their own (nothing here is linked into the addon). Prints JSON.
//!
//! ```text
//! spindle-bench-refs flops                 vector FLOP peaks of one core, per CPU path
//! spindle-bench-refs sort FILE ROUNDS      one-thread sorts of FILE's little-endian f64s, in ms
//! ```

mod flops;
mod sort;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = match args.first().map(String::as_str) {
        Some("flops") => Ok(flops::measure()),
        Some("sort") => sort::measure(&args[1..]),
        _ => Err("usage: spindle-bench-refs flops | sort FILE ROUNDS".to_owned()),
    };
    match out {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("spindle-bench-refs: {message}");
            ExitCode::FAILURE
        }
    }
}
