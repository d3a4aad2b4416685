use napi::bindgen_prelude::{Float64Array, Function, Object};
use napi::{Env, Result};
use napi_derive::napi;
use spindle_core::kernels::Precision;

use crate::cancel_handle::CancelHandle;
use crate::errors::invalid_arg;
use crate::input::Input;
use crate::job::spawn;
use crate::validate::{uint, MAX_SAFE_INTEGER};

/// The n×n product `a·b` of row-major matrices; `fast` allows fused multiply-adds (the
/// `'fast'` precision, within the bound `spindle_core::kernels::Precision::Fast` states),
/// otherwise the result is bit-identical to the naive loop.
// The arguments are the JavaScript call's, positional like every kernel binding's.
#[allow(clippy::too_many_arguments)]
#[napi(ts_return_type = "Promise<Float64Array> | null")]
pub fn matmul<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "Float64Array")] a: Input<Float64Array, f64>,
    #[napi(ts_arg_type = "Float64Array")] b: Input<Float64Array, f64>,
    n: f64,
    fast: bool,
    cancel: Option<&CancelHandle>,
    on_progress: Option<Function<f64, ()>>,
    #[napi(
        ts_arg_type = "((error: Error | null, value?: Float64Array) => void) | undefined | null"
    )]
    on_settled: Option<Function<'env, (), ()>>,
) -> Result<Option<Object<'env>>> {
    let n = uint("n", n, MAX_SAFE_INTEGER)?;
    // Both inputs already exist with n² elements, so a matching n cannot ask for an absurd
    // output; a mismatched one is refused before anything is allocated.
    let cells = usize::try_from(n)
        .ok()
        .and_then(|n| n.checked_mul(n))
        .filter(|&cells| cells == a.len() && cells == b.len())
        .ok_or_else(|| {
            invalid_arg(format!(
                "a and b must each hold n*n = {n}*{n} elements, got {} and {}",
                a.len(),
                b.len()
            ))
        })?;
    debug_assert_eq!(cells, a.len());
    let n = cells.isqrt();
    let precision = if fast {
        Precision::Fast
    } else {
        Precision::Exact
    };
    spawn(env, cancel, on_progress, on_settled, move |ctx| {
        spindle_core::kernels::matmul(&a, &b, n, precision, ctx).map(Float64Array::new)
    })
}
