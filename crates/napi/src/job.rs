//! The Promise plumbing shared by every kernel: create a deferred on the JavaScript thread, run
//! the work on spindle's pool, settle the deferred from the pool thread (napi-rs routes the
//! settlement back to the JavaScript thread). A pending deferred keeps the event loop alive, as
//! a pending fs call does; progress goes through a *weak* threadsafe function, which does not.

use std::sync::Arc;

use napi::bindgen_prelude::{Function, ToNapiValue};
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::bindgen_prelude::Object;
use napi::{Env, Result, Status};
use spindle_core::{Cancelled, Ctx, ProgressSink};

use crate::cancel_handle::CancelHandle;
use crate::env_group::env_group;
use crate::errors::{job_error, pool_error};
use crate::runtime::RUNTIME;

/// Progress calls waiting in the queue; a full queue drops the newest report rather than
/// blocking a kernel (reports are throttled to one per 50 ms, so this only bites on a stalled
/// event loop, where a skipped intermediate fraction is harmless).
const PROGRESS_QUEUE: usize = 4;

/// Queues `work` on the pool and returns its Promise.
pub(crate) fn spawn<'env, T, W>(
    env: &'env Env,
    cancel: &CancelHandle,
    on_progress: Option<Function<f64, ()>>,
    work: W,
) -> Result<Object<'env>>
where
    T: ToNapiValue + Send + 'static,
    W: FnOnce(&Ctx) -> std::result::Result<T, Cancelled> + Send + 'static,
{
    let group = env_group(env)?;
    let mut ctx = Ctx::new(cancel.token.clone());
    if let Some(callback) = on_progress {
        let tsfn = callback
            .build_threadsafe_function::<f64>()
            .weak::<true>()
            .callee_handled::<false>()
            .max_queue_size::<PROGRESS_QUEUE>()
            .build()?;
        let sink: ProgressSink = Arc::new(move |fraction| {
            // Closing (env torn down) or QueueFull: either way the report is not needed.
            let _: Status = tsfn.call(fraction, ThreadsafeFunctionCallMode::NonBlocking);
        });
        ctx = ctx.with_progress(sink);
    }
    let (deferred, promise) = env.create_deferred()?;
    RUNTIME
        .submit(group, ctx, work, move |outcome| match outcome {
            Ok(value) => deferred.resolve(move |_env| Ok(value)),
            Err(err) => deferred.reject(job_error(err)),
        })
        .map_err(pool_error)?;
    Ok(promise)
}
