//! The Promise plumbing shared by every kernel: create a Promise on the JavaScript thread, run
//! the work on spindle's pool, settle the Promise from the pool thread (the environment's
//! [`Channel`](crate::settle::Channel) carries the settlement back to the JavaScript thread). A
//! pending Promise keeps the event loop alive, as a pending fs call does; progress goes through a
//! *weak* threadsafe function, which does not.
//!
//! A job that must not keep the process alive (a kernel running for a daemon thread) passes an
//! `onSettled(err, value)` callback instead: it completes through a weak threadsafe function,
//! and the binding returns no Promise (the TypeScript layer wraps the callback in one).

use std::sync::Arc;

use napi::bindgen_prelude::{FnArgs, Function, Object, ToNapiValue};
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::{Env, Result, Status};
use spindle_core::{Cancelled, Ctx, ProgressSink};

use crate::cancel_handle::CancelHandle;
use crate::env_group::env_state;
use crate::errors::job_error;
use crate::runtime::RUNTIME;
use crate::settle::Outcome;

/// Progress calls waiting in the queue; a full queue drops the newest report rather than
/// blocking a kernel (reports are throttled to one per 50 ms, so this only bites on a stalled
/// event loop, where a skipped intermediate fraction is harmless).
const PROGRESS_QUEUE: usize = 4;

/// Queues `work` on the pool. Returns its Promise, or nothing when `on_settled` is given.
pub(crate) fn spawn<'env, T, W>(
    env: &'env Env,
    cancel: Option<&CancelHandle>,
    on_progress: Option<Function<f64, ()>>,
    on_settled: Option<Function<'env, (), ()>>,
    work: W,
) -> Result<Option<Object<'env>>>
where
    T: ToNapiValue + Send + 'static,
    W: FnOnce(&Ctx) -> std::result::Result<T, Cancelled> + Send + 'static,
{
    spawn_fallible(env, cancel, on_progress, on_settled, move |ctx| {
        work(ctx).map(Ok)
    })
}

/// [`spawn`] for work that can also fail on its input: `Ok(Err(error))` rejects with `error`
/// (built on the pool thread, like the rejections of cancelled and panicked jobs).
pub(crate) fn spawn_fallible<'env, T, W>(
    env: &'env Env,
    cancel: Option<&CancelHandle>,
    on_progress: Option<Function<f64, ()>>,
    on_settled: Option<Function<'env, (), ()>>,
    work: W,
) -> Result<Option<Object<'env>>>
where
    T: ToNapiValue + Send + 'static,
    W: FnOnce(&Ctx) -> std::result::Result<Outcome<T>, Cancelled> + Send + 'static,
{
    let state = env_state(env)?;
    let group = state.group;
    // Without a handle (no AbortSignal on the JS side) the job still gets a token of its own:
    // shutdown() and env teardown cancel through the job table.
    let mut ctx = Ctx::new(cancel.map(|c| c.token.clone()).unwrap_or_default());
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
    if let Some(callback) = on_settled {
        // Called as `onSettled(error, value)`; the error object is made here, on the JavaScript
        // thread, so that it carries its code.
        let tsfn = callback
            .build_threadsafe_function::<Outcome<T>>()
            .weak::<true>()
            .callee_handled::<false>()
            .build_callback(|ctx| {
                // `FnArgs`: the pair is the call's two arguments, not one array.
                Ok(FnArgs::from(match ctx.value {
                    Ok(value) => (None, Some(value)),
                    Err(error) => (Some(error), None),
                }))
            })?;
        RUNTIME.submit(group, ctx, work, move |outcome| {
            // The queue is unbounded, so a non-blocking call is never dropped; `Closing` (the
            // environment is gone) needs nothing from us.
            let _: Status = tsfn.call(
                outcome.map_err(job_error).and_then(|value| value),
                ThreadsafeFunctionCallMode::NonBlocking,
            );
        });
        return Ok(None);
    }
    let (settle, promise) = state.channel.promise(env)?;
    // A pool that cannot start rejects the Promise (`JobError::NotStarted`).
    RUNTIME.submit(group, ctx, work, move |outcome| {
        settle.settle(outcome.map_err(job_error).and_then(|value| value))
    });
    Ok(Some(Object::from_raw(env.raw(), promise)))
}
