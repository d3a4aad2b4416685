//! spindle's Node binding. It converts and validates JavaScript arguments, hands the work to
//! `spindle-core`'s pool, and settles Promises back on the JavaScript thread. No kernel logic
//! lives here.
//!
//! The TypeScript layer (`src/`) is the public API: it validates arguments first (with Node's
//! error classes and codes) and maps this binding's rejections to spindle's error classes. The
//! checks here are a second line of defence so that no input can crash the process.
#![deny(clippy::unwrap_used)]

mod cancel_handle;
mod env_group;
mod errors;
mod job;
mod kernels;
mod runtime;
mod validate;

pub use cancel_handle::CancelHandle;
