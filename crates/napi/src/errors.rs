//! How native failures reach JavaScript. The TypeScript layer maps these to spindle's error
//! classes, keyed on the `code` (napi-rs puts the status there) and the message prefix below.

use napi::{Error, Status};
use spindle_core::{JobError, PoolError};

/// Prefix of a rejection caused by a panic inside a kernel. Keep in sync with
/// `src/native-errors.ts`.
pub(crate) const PANIC_PREFIX: &str = "ERR_SPINDLE_NATIVE_PANIC: ";

/// Prefix of a rejection because the input is not an image the kernel can decode. Keep in sync
/// with `src/invalid-image.ts`.
pub(crate) const INVALID_IMAGE_PREFIX: &str = "ERR_SPINDLE_INVALID_IMAGE: ";

pub(crate) fn invalid_image(msg: impl std::fmt::Display) -> Error {
    Error::new(
        Status::GenericFailure,
        format!("{INVALID_IMAGE_PREFIX}{msg}"),
    )
}

pub(crate) fn job_error(err: JobError) -> Error {
    match err {
        // Status `Cancelled` becomes the JavaScript error's `code`.
        JobError::Cancelled => Error::new(Status::Cancelled, "the native job was cancelled"),
        JobError::Panicked(msg) => Error::new(
            Status::GenericFailure,
            format!("{PANIC_PREFIX}a native kernel panicked: {msg}"),
        ),
    }
}

pub(crate) fn pool_error(err: PoolError) -> Error {
    Error::new(Status::GenericFailure, err.to_string())
}

pub(crate) fn invalid_arg(msg: impl Into<String>) -> Error {
    Error::new(Status::InvalidArg, msg.into())
}
