//! The CPU kernels.
//!
//! Each kernel is `fn(args…, &Ctx) -> Result<T, Cancelled>`: it counts its work with one
//! [`Ctx::steps`](crate::Ctx::steps), advances it about every millisecond (which reports
//! throttled progress and notices cancellation), and splits large inputs across the current
//! rayon pool. Results never depend on the pool's size. A context that is already cancelled
//! makes every kernel return `Err(Cancelled)` before it does any work.
//!
//! Arguments are validated by the caller; each kernel documents its preconditions.
//!
//! A kernel whose input can be unusable in ways only it can see returns its own error type,
//! with a `Cancelled` variant beside the others: [`ela`] returns [`ElaError`].

mod count_primes;
mod ela;
mod mandelbrot;
mod matmul;
mod sha256;
mod sort_float64;
mod spin;

#[cfg(test)]
mod test_support;

pub use count_primes::count_primes;
pub use ela::{ela, Ela, ElaError, ElaParams, MAX_PIXELS as ELA_MAX_PIXELS};
pub use mandelbrot::{mandelbrot, MandelbrotParams};
pub use matmul::{matmul, Precision};
pub use sha256::{sha256, sha256_chunks};
pub use sort_float64::sort_float64;
pub use spin::spin;
