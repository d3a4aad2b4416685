//! How native failures reach JavaScript. A job's failure is a [`CodedError`]: on the JavaScript
//! thread it becomes an `Error` whose `code` property is one of spindle's codes (the table is
//! `src/core/errors.ts`), so the TypeScript layer reads the code as data and never parses a
//! message. Synchronous argument errors stay napi errors (`code: 'InvalidArg'`), which the
//! TypeScript layer never lets through: it validates first.

use napi::bindgen_prelude::{JsObjectValue, JsValue, Object, ToNapiValue};
use napi::sys;
use napi::{Env, Error, Status};
use spindle_core::{JobError, PoolError};

/// A job's failure, with the code JavaScript sees. Built on a pool thread (no `Env` there); made
/// into a JavaScript `Error` only on the JavaScript thread, by [`CodedError::to_js`].
#[derive(Debug)]
pub(crate) struct CodedError {
    code: &'static str,
    message: String,
}

impl CodedError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// The job was cancelled (its `CancelHandle`, `shutdown()`, or the environment's teardown).
    pub(crate) fn cancelled() -> Self {
        Self::new("ERR_SPINDLE_CANCELLED", "the native job was cancelled")
    }

    /// The input is not an image the kernel can decode.
    pub(crate) fn invalid_image(msg: impl std::fmt::Display) -> Self {
        Self::new("ERR_SPINDLE_INVALID_IMAGE", msg.to_string())
    }

    /// Any other failure of the binding or the pool (a bug, or the pool could not run the job).
    pub(crate) fn native(msg: impl std::fmt::Display) -> Self {
        Self::new("ERR_SPINDLE_NATIVE", msg.to_string())
    }

    /// A JavaScript `Error` with this message and `code`.
    pub(crate) fn to_js<'env>(&self, env: &'env Env) -> napi::Result<Object<'env>> {
        let mut error =
            env.create_error(Error::new(Status::GenericFailure, self.message.clone()))?;
        error.set_named_property("code", self.code)?;
        Ok(error)
    }

    /// This failure as a napi error that rejects with the JavaScript `Error` of [`Self::to_js`]
    /// (or, should creating it fail, with that failure).
    pub(crate) fn into_napi(self, env: &Env) -> Error {
        match self.to_js(env) {
            Ok(error) => Error::from(error.to_unknown()),
            Err(failed) => failed,
        }
    }
}

/// Converted where napi-rs converts arguments (a threadsafe function's call): the `Error` of
/// [`CodedError::to_js`].
impl ToNapiValue for CodedError {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        // SAFETY: napi-rs calls this on the JavaScript thread with that thread's live env.
        let env = Env::from_raw(env);
        Ok(val.to_js(&env)?.raw())
    }
}

pub(crate) fn job_error(err: JobError) -> CodedError {
    match err {
        JobError::Cancelled => CodedError::cancelled(),
        JobError::Panicked(msg) => CodedError::new(
            "ERR_SPINDLE_NATIVE_PANIC",
            format!("a native kernel panicked: {msg}"),
        ),
        JobError::NotStarted(msg) => CodedError::native(msg),
    }
}

pub(crate) fn pool_error(err: PoolError) -> Error {
    Error::new(Status::GenericFailure, err.to_string())
}

pub(crate) fn invalid_arg(msg: impl Into<String>) -> Error {
    Error::new(Status::InvalidArg, msg.into())
}
