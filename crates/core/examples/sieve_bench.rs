//! Times `count_primes` at the benchmark's limit (8·10^7, bench/workloads.ts FULL_SIZES) on one
//! thread, on every CPU path this machine has, and on two threads on the detected path.
//!
//! `cargo run --release -p spindle-core --example sieve_bench [runs] [limit]`
//!
//! Prints the median and the minimum of `runs` (default 21) runs: the machine may be shared,
//! and the minimum is the least disturbed figure. On a shared machine the wall time counts
//! the time other processes held the core, so on Linux one-thread runs also report the worker
//! thread's own CPU time (`/proc/thread-self/schedstat`). Not a test: nothing here asserts a
//! time.

use std::time::Instant;

use spindle_core::kernels::count_primes;
use spindle_core::{cpu, Ctx};

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(21);
    let limit: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(80_000_000);
    let mut configs: Vec<(usize, cpu::CpuPath)> =
        cpu::supported().into_iter().map(|p| (1, p)).collect();
    configs.push((2, cpu::detected()));
    let pools: Vec<rayon::ThreadPool> = configs
        .iter()
        .map(|&(threads, _)| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool")
        })
        .collect();
    // Interleaved: each round runs every configuration once, so load changes hit all alike.
    let mut times = vec![Vec::new(); configs.len()];
    let mut cpu_times = vec![Vec::new(); configs.len()];
    let mut counts = vec![0; configs.len()];
    for _ in 0..=runs {
        for (k, (&(_, path), pool)) in configs.iter().zip(&pools).enumerate() {
            let ctx = Ctx::default().with_cpu(path);
            let start = Instant::now();
            let (count, cpu) = pool.install(|| {
                let before = thread_cpu_ns();
                let count = count_primes(limit, &ctx).expect("not cancelled");
                (count, thread_cpu_ns().zip(before).map(|(a, b)| a - b))
            });
            times[k].push(start.elapsed().as_secs_f64() * 1e3);
            counts[k] = count;
            if let Some(ns) = cpu {
                cpu_times[k].push(ns as f64 / 1e6);
            }
        }
    }
    for (k, &(threads, path)) in configs.iter().enumerate() {
        // The first round warms caches and builds the pre-sieve patterns: dropped.
        let (median, min) = median_min(&times[k][1..]);
        print!(
            "count_primes({limit}) = {} on {path}, {threads} thread(s): wall median {median:.2} ms, min {min:.2} ms",
            counts[k],
        );
        if threads == 1 && cpu_times[k].len() > 1 {
            let (median, min) = median_min(&cpu_times[k][1..]);
            print!("; thread CPU time median {median:.2} ms, min {min:.2} ms");
        }
        println!(" ({runs} runs)");
    }
}

fn median_min(times: &[f64]) -> (f64, f64) {
    let mut t = times.to_vec();
    t.sort_by(f64::total_cmp);
    (t[t.len() / 2], t[0])
}

/// The calling thread's CPU time in ns, where Linux reports it.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}
