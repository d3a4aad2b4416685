use napi::bindgen_prelude::{Float64Array, Function, Object};
use napi::{Env, Result};
use napi_derive::napi;

use crate::cancel_handle::CancelHandle;
use crate::input::View;
use crate::job::spawn;

/// A sorted copy of `data` (−0 before +0, NaN last); the input is never touched.
#[napi(ts_return_type = "Promise<Float64Array> | null")]
pub fn sort_float64<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "Float64Array")] data: View<Float64Array>,
    cancel: Option<&CancelHandle>,
    on_progress: Option<Function<f64, ()>>,
    #[napi(
        ts_arg_type = "((error: Error | null, value?: Float64Array) => void) | undefined | null"
    )]
    on_settled: Option<Function<'env, (), ()>>,
) -> Result<Option<Object<'env>>> {
    // Copied on the JS thread (see `crate::input` for why), into a spare buffer when one fits.
    let values = spindle_core::spare::FLOATS.copy_of(data.array());
    spawn(env, cancel, on_progress, on_settled, move |ctx| {
        spindle_core::kernels::sort_float64(&values, ctx).map(Float64Array::new)
    })
}
