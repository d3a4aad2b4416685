//! spindle's engine, free of any JavaScript binding: its own thread pool ([`pool`]),
//! cooperative cancellation ([`cancel`]), run-time CPU dispatch ([`cpu`]), throttled progress ([`ctx`]), the process-wide
//! [`runtime`] that owns the pool, the CPU [`kernels`], the [`spare`] buffers they reuse, and
//! [`jpeg`], the libjpeg-turbo codec `ela` runs.
//!
//! A kernel is a plain function `fn(args…, &Ctx) -> Result<T, Cancelled>`: it polls its
//! [`Ctx`] about every millisecond of work (through [`ctx::Steps::advance`]) and may split its
//! work with rayon, which then runs on the pool thread's own pool.
#![deny(missing_docs)]

pub mod cancel;
pub mod cpu;
pub mod ctx;
pub mod jpeg;
pub mod kernels;
pub mod output;
pub mod pool;
pub mod runtime;
pub mod spare;

pub use cancel::{CancelToken, Cancelled};
pub use cpu::CpuPath;
pub use ctx::{Ctx, ProgressSink, Steps};
pub use pool::{Exited, JobError, Pool, PoolError};
pub use runtime::Runtime;
