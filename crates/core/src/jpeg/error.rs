//! libjpeg's errors and warnings as unwinds: [`raise`] from its hooks, [`catch`] around each
//! call.

use std::mem;
use std::os::raw::c_int;
use std::panic::{self, AssertUnwindSafe};

use mozjpeg_sys as ffi;

/// The payload a libjpeg error unwinds with, up to [`catch`].
struct Raised(String);

/// Unwinds to the enclosing [`catch`] with `message`, without the panic hook's report.
pub(super) fn raise(message: String) -> ! {
    panic::resume_unwind(Box::new(Raised(message)))
}

/// Runs `f`, turning a [`raise`] in it (libjpeg's errors and warnings included) into
/// `Err(message)`. Any other panic goes on unwinding.
pub(super) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => Ok(value),
        Err(payload) => match payload.downcast::<Raised>() {
            Ok(raised) => Err(raised.0),
            Err(other) => panic::resume_unwind(other),
        },
    }
}

/// The size of the buffer libjpeg's `format_message` writes (`JMSG_LENGTH_MAX`).
const MESSAGE_LEN: usize = 200;

/// libjpeg's text for its current message.
fn message(cinfo: &mut ffi::jpeg_common_struct) -> String {
    let mut buffer = [0u8; MESSAGE_LEN];
    // SAFETY: `err` is the error manager `jpeg_std_error` set up, whose `format_message`
    // writes at most JMSG_LENGTH_MAX bytes, NUL included, to its second argument. The
    // binding declares that argument as `&[u8; 80]`: the pointer is passed as it is.
    unsafe {
        if let Some(format) = (*cinfo.err).format_message {
            let format = mem::transmute::<
                unsafe extern "C-unwind" fn(&mut ffi::jpeg_common_struct, &[u8; 80]),
                unsafe extern "C-unwind" fn(*mut ffi::jpeg_common_struct, *mut u8),
            >(format);
            format(cinfo, buffer.as_mut_ptr());
        }
    }
    let len = buffer.iter().position(|&b| b == 0).unwrap_or(MESSAGE_LEN);
    let text = String::from_utf8_lossy(&buffer[..len]).into_owned();
    if text.is_empty() {
        // SAFETY: as above.
        format!("libjpeg error {}", unsafe { (*cinfo.err).msg_code })
    } else {
        text
    }
}

/// libjpeg's fatal errors.
extern "C-unwind" fn error_exit(cinfo: &mut ffi::jpeg_common_struct) {
    raise(message(cinfo))
}

/// libjpeg's warnings (level −1) fail the call, as in TurboJPEG; its trace messages
/// (levels 0 and up) are ignored.
extern "C-unwind" fn emit_message(cinfo: &mut ffi::jpeg_common_struct, level: c_int) {
    if level < 0 {
        raise(message(cinfo))
    }
}

/// Nothing is ever printed.
extern "C-unwind" fn output_message(_cinfo: &mut ffi::jpeg_common_struct) {}

/// An error manager whose errors and warnings [`raise`].
pub(super) fn error_mgr() -> ffi::jpeg_error_mgr {
    // SAFETY: an all-zero `jpeg_error_mgr` (null pointers, no hooks) is valid, and
    // `jpeg_std_error` only fills it in.
    let mut err: ffi::jpeg_error_mgr = unsafe { mem::zeroed() };
    // SAFETY: as above.
    unsafe { ffi::jpeg_std_error(&mut err) };
    err.error_exit = Some(error_exit);
    err.emit_message = Some(emit_message);
    err.output_message = Some(output_message);
    err
}
