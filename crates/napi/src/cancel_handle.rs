use napi_derive::napi;
use spindle_core::CancelToken;

/// A cancel flag shared with one or more native jobs. The TypeScript layer creates one per
/// call and cancels it from an `AbortSignal` listener (napi-rs's own `AbortSignal` conversion
/// overwrites `signal.onabort` and ignores `signal.aborted`, so the signal stays on the JS side).
#[napi]
#[derive(Debug, Default)]
pub struct CancelHandle {
    pub(crate) token: CancelToken,
}

#[napi]
impl CancelHandle {
    /// A new, not-yet-cancelled handle.
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every job holding this handle to stop at its next check (within about 1 ms).
    #[napi]
    pub fn cancel(&self) {
        self.token.cancel();
    }

    /// Whether `cancel()` was called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}
