use napi::bindgen_prelude::{Function, Object};
use napi::{Env, Result};
use napi_derive::napi;

use crate::cancel_handle::CancelHandle;
use crate::job::spawn;
use crate::validate::{uint, MAX_SAFE_INTEGER};

/// Runs `iterations` real loop steps on the pool; resolves to the count done.
#[napi(ts_return_type = "Promise<number> | null")]
pub fn spin<'env>(
    env: &'env Env,
    iterations: f64,
    cancel: Option<&CancelHandle>,
    on_progress: Option<Function<f64, ()>>,
    #[napi(ts_arg_type = "((error: Error | null, value?: number) => void) | undefined | null")]
    on_settled: Option<Function<'env, (), ()>>,
) -> Result<Option<Object<'env>>> {
    let n = uint("iterations", iterations, MAX_SAFE_INTEGER)?;
    spawn(env, cancel, on_progress, on_settled, move |ctx| {
        // Exact: n ≤ 2^53.
        spindle_core::kernels::spin(n, ctx).map(|done| done as f64)
    })
}
