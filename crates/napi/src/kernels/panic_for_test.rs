use napi::bindgen_prelude::Object;
use napi::{Env, Result};
use napi_derive::napi;

use crate::cancel_handle::CancelHandle;
use crate::job::spawn;

/// Test hook, not part of the public API: a job that panics on a pool thread, to prove that a
/// kernel panic rejects its Promise and leaves the process and the pool working.
#[napi(js_name = "__panicForTest", ts_return_type = "Promise<never>")]
pub fn panic_for_test<'env>(
    env: &'env Env,
    message: String,
    cancel: &CancelHandle,
) -> Result<Option<Object<'env>>> {
    spawn(
        env,
        Some(cancel),
        None,
        None,
        move |_ctx| -> std::result::Result<(), _> { panic!("{message}") },
    )
}
