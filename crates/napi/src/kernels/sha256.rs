use std::sync::mpsc;

use napi::bindgen_prelude::{Function, Object, Uint8Array};
use napi::{Env, Result};
use napi_derive::napi;
use spindle_core::kernels::{sha256 as hash, sha256_chunks};
use spindle_core::spare::{Spare, BYTES};

use crate::cancel_handle::CancelHandle;
use crate::errors::CodedError;
use crate::input::View;
use crate::job::{spawn, spawn_fallible};

/// Bytes per chunk of a streamed copy: a couple of milliseconds of hashing, and large enough
/// for the spare-buffer store to hand chunks the job has finished with back to the copy.
const COPY_CHUNK: usize = 4 << 20;

/// SHA-256 of `data` as lowercase hex. Strings are encoded to UTF-8 by the TypeScript layer.
#[napi(ts_return_type = "Promise<string> | null")]
pub fn sha256<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "Uint8Array")] data: View<Uint8Array>,
    cancel: Option<&CancelHandle>,
    on_progress: Option<Function<f64, ()>>,
    #[napi(ts_arg_type = "((error: Error | null, value?: string) => void) | undefined | null")]
    on_settled: Option<Function<'env, (), ()>>,
) -> Result<Option<Object<'env>>> {
    let bytes = match data {
        // Shared memory cannot go away: the job reads it in place.
        View::Shared(bytes) => {
            return spawn(env, cancel, on_progress, on_settled, move |ctx| {
                hash(&bytes, ctx)
            })
        }
        // One chunk or less: copy, then hash, as any kernel does (no channel to set up).
        View::Unshared(bytes) if bytes.len() <= COPY_CHUNK => {
            let copy = BYTES.copy_of(&bytes);
            return spawn(env, cancel, on_progress, on_settled, move |ctx| {
                hash(&copy, ctx)
            });
        }
        View::Unshared(bytes) => bytes,
    };
    // JavaScript may detach an ArrayBuffer once this call returns, so its bytes are copied now,
    // on this thread. For a large one the job starts first and hashes each chunk as it lands:
    // hashing overlaps the copy instead of following it.
    let total = bytes.len() as u64;
    let (chunks, received) = mpsc::channel::<Spare<u8>>();
    let promise = spawn_fallible(env, cancel, on_progress, on_settled, move |ctx| {
        let (digest, hashed) = sha256_chunks(received, total, ctx)?;
        Ok(if hashed == total {
            Ok(digest)
        } else {
            Err(CodedError::native(format!(
                "sha256 received {hashed} of {total} bytes"
            )))
        })
    })?;
    for chunk in bytes.chunks(COPY_CHUNK) {
        if chunks.send(BYTES.copy_of(chunk)).is_err() {
            // The job is over (cancelled): nobody needs the rest.
            break;
        }
    }
    Ok(promise)
}
