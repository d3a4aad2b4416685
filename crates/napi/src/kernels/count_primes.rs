use napi::bindgen_prelude::{Function, Object};
use napi::{Env, Result};
use napi_derive::napi;

use crate::cancel_handle::CancelHandle;
use crate::job::spawn;
use crate::validate::{uint, MAX_SAFE_INTEGER};

/// Counts the primes below `limit` with a parallel segmented sieve.
#[napi(ts_return_type = "Promise<number> | null")]
pub fn count_primes<'env>(
    env: &'env Env,
    limit: f64,
    cancel: Option<&CancelHandle>,
    on_progress: Option<Function<f64, ()>>,
    #[napi(ts_arg_type = "((error: Error | null, value?: number) => void) | undefined | null")]
    on_settled: Option<Function<'env, (), ()>>,
) -> Result<Option<Object<'env>>> {
    let limit = uint("limit", limit, MAX_SAFE_INTEGER)?;
    spawn(env, cancel, on_progress, on_settled, move |ctx| {
        // Exact: fewer than 2^53 primes lie below 2^53.
        spindle_core::kernels::count_primes(limit, ctx).map(|n| n as f64)
    })
}
