use napi::bindgen_prelude::{Function, Object, Uint8Array};
use napi::{Env, Result};
use napi_derive::napi;

use crate::cancel_handle::CancelHandle;
use crate::job::spawn;

/// SHA-256 of `data` as lowercase hex. Strings are encoded to UTF-8 by the TypeScript layer.
#[napi(ts_return_type = "Promise<string> | null")]
pub fn sha256<'env>(
    env: &'env Env,
    data: Uint8Array,
    cancel: Option<&CancelHandle>,
    on_progress: Option<Function<f64, ()>>,
    #[napi(ts_arg_type = "((error: Error | null, value?: string) => void) | undefined | null")]
    on_settled: Option<Function<'env, (), ()>>,
) -> Result<Option<Object<'env>>> {
    // Copied on the JS thread: JavaScript may mutate, transfer or detach the caller's buffer
    // while the job runs, and a pool thread must never read memory it does not own.
    let bytes = data.to_vec();
    spawn(env, cancel, on_progress, on_settled, move |ctx| {
        spindle_core::kernels::sha256(&bytes, ctx)
    })
}
