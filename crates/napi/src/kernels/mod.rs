//! One file per kernel: argument conversion and checks, then [`crate::job::spawn`].

mod count_primes;
mod ela;
mod mandelbrot;
mod matmul;
#[cfg(feature = "test-hooks")]
mod panic_for_test;
mod sha256;
mod sort_float64;
mod spin;
