//! spindle's Node binding. It converts and validates JavaScript arguments, hands the work to
//! `spindle-core`'s pool, and settles Promises back on the JavaScript thread. No kernel logic
//! lives here.
//!
//! The TypeScript layer (`src/`) is the public API: it validates arguments first (with Node's
//! error classes and codes) and maps this binding's rejections to spindle's error classes. The
//! checks here are a second line of defence so that no input can crash the process.
#![deny(clippy::unwrap_used)]
// napi-derive compiles its export registrations out under cfg(test) (the binding has no unit
// tests: `test = false`), which leaves every export unreferenced when `cargo clippy
// --all-targets` checks the lib's test target anyway. Only that target is exempted.
#![cfg_attr(test, allow(dead_code))]

mod cancel_handle;
mod env_group;
mod errors;
mod input;
mod job;
mod kernels;
mod runtime;
mod settle;
mod validate;

pub use cancel_handle::CancelHandle;
