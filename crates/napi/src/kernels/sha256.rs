use napi::bindgen_prelude::{Function, Object, Uint8Array};
use napi::{Env, Result};
use napi_derive::napi;

use crate::cancel_handle::CancelHandle;
use crate::input::Input;
use crate::job::spawn;

/// SHA-256 of `data` as lowercase hex. Strings are encoded to UTF-8 by the TypeScript layer.
#[napi(ts_return_type = "Promise<string> | null")]
pub fn sha256<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "Uint8Array")] data: Input<Uint8Array, u8>,
    cancel: Option<&CancelHandle>,
    on_progress: Option<Function<f64, ()>>,
    #[napi(ts_arg_type = "((error: Error | null, value?: string) => void) | undefined | null")]
    on_settled: Option<Function<'env, (), ()>>,
) -> Result<Option<Object<'env>>> {
    // `Input` copies an ArrayBuffer's bytes on this thread and reads shared memory in place.
    spawn(env, cancel, on_progress, on_settled, move |ctx| {
        spindle_core::kernels::sha256(&data, ctx)
    })
}
