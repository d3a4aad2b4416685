//! Settling job Promises from pool threads: one wake-up channel per JavaScript environment.
//!
//! napi-rs's `JsDeferred` gives every Promise a threadsafe function of its own: creating one
//! allocates, opens a libuv async handle and registers a cleanup hook, and settling it closes
//! them all again. With many small jobs in flight those were the JavaScript thread's top entries
//! in `perf` (1000 `spin(0)` calls in flight). Here an environment has one threadsafe function
//! for all its jobs: a finished job queues its settlement, the first one queued wakes the
//! JavaScript thread, and that wake-up settles everything queued by then.
//!
//! A pending job keeps the event loop alive (as a pending fs call does): the channel's
//! threadsafe function is referenced while any job of its environment is unsettled, and
//! unreferenced when none is. When the environment is torn down (a worker terminated, the
//! process exiting), the channel closes first and later settlements are dropped unsettled:
//! their Promises are gone with the environment.

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use napi::bindgen_prelude::ToNapiValue;
use napi::{check_status, sys, Env, JsError, Result};

use crate::errors::CodedError;

/// What a job ends with: its value, or the failure JavaScript sees with its code.
pub(crate) type Outcome<T> = std::result::Result<T, CodedError>;

/// A Promise's settlement, run on the JavaScript thread with that thread's live env.
type Settlement = Box<dyn FnOnce(sys::napi_env) + Send>;

/// The settlements waiting for the JavaScript thread, and the way to wake it.
pub(crate) struct Channel {
    state: Mutex<State>,
    /// Jobs created and not yet settled. Touched on the JavaScript thread only (job creation
    /// and the wake-up callback); atomic only so the channel is `Sync`.
    unsettled: AtomicUsize,
}

struct State {
    /// Null once the environment is being torn down: nothing may call it then.
    tsfn: sys::napi_threadsafe_function,
    queue: Vec<Settlement>,
    /// A wake-up is on its way: the queue will be taken without another call.
    woken: bool,
}

// SAFETY: `tsfn` is only called through napi's thread-safe entry point
// (`napi_call_threadsafe_function`), always under the mutex that the teardown hook takes to null
// it, so no call can race the environment's teardown.
unsafe impl Send for State {}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A settlement never panics while holding the lock (it only pushes or swaps a Vec).
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Channel {
    /// Creates the environment's channel (call once per environment, on its thread).
    pub(crate) fn open(env: &Env) -> Result<Arc<Channel>> {
        let channel = Arc::new(Channel {
            state: Mutex::new(State {
                tsfn: ptr::null_mut(),
                queue: Vec::new(),
                woken: false,
            }),
            unsettled: AtomicUsize::new(0),
        });
        let raw = env.raw();
        let mut name = ptr::null_mut();
        // SAFETY: a live env on its own thread; the name is a valid UTF-8 C string of that length.
        check_status!(unsafe {
            sys::napi_create_string_utf8(raw, c"spindle:settle".as_ptr(), 14, &mut name)
        })?;
        // The threadsafe function's context: a strong count, given back by `finalize` (which
        // Node calls exactly once, at the latest at teardown).
        let context = Arc::into_raw(Arc::clone(&channel))
            .cast_mut()
            .cast::<c_void>();
        let mut tsfn = ptr::null_mut();
        // SAFETY: as above; no JavaScript function (`call_js` does the work), an unbounded
        // queue, one owning thread that never releases it (the environment's teardown does).
        let created = check_status!(unsafe {
            sys::napi_create_threadsafe_function(
                raw,
                ptr::null_mut(),
                ptr::null_mut(),
                name,
                0,
                1,
                context,
                Some(finalize),
                context,
                Some(call_js),
                &mut tsfn,
            )
        });
        if let Err(error) = created {
            // SAFETY: the count taken above, never handed to Node.
            drop(unsafe { Arc::from_raw(context.cast_const().cast::<Channel>()) });
            return Err(error);
        }
        lock(&channel.state).tsfn = tsfn;
        // Idle until a job is pending; and closed before Node finalizes the threadsafe
        // function: cleanup hooks run in reverse order of registration, and Node registered the
        // threadsafe function's own when it was created.
        // SAFETY: a live env and the threadsafe function just created on its thread.
        check_status!(unsafe { sys::napi_unref_threadsafe_function(raw, tsfn) })?;
        // The hook's argument: a strong count of its own, given back by the hook.
        let hook = Arc::into_raw(Arc::clone(&channel))
            .cast_mut()
            .cast::<c_void>();
        // SAFETY: as above.
        let added =
            check_status!(unsafe { sys::napi_add_env_cleanup_hook(raw, Some(teardown), hook) });
        if let Err(error) = added {
            // SAFETY: the count taken for the hook, never handed to Node.
            drop(unsafe { Arc::from_raw(hook.cast_const().cast::<Channel>()) });
            return Err(error);
        }
        Ok(channel)
    }

    /// A new Promise (made on the environment's thread) and the handle that settles it (from
    /// any thread).
    pub(crate) fn promise(self: &Arc<Channel>, env: &Env) -> Result<(Settle, sys::napi_value)> {
        let mut deferred = ptr::null_mut();
        let mut promise = ptr::null_mut();
        // SAFETY: a live env on its own thread.
        check_status!(unsafe { sys::napi_create_promise(env.raw(), &mut deferred, &mut promise) })?;
        if self.unsettled.fetch_add(1, Ordering::Relaxed) == 0 {
            let tsfn = lock(&self.state).tsfn;
            let referenced = if tsfn.is_null() {
                Ok(())
            } else {
                // SAFETY: on the environment's thread, with its threadsafe function still open.
                check_status!(unsafe { sys::napi_ref_threadsafe_function(env.raw(), tsfn) })
            };
            if let Err(error) = referenced {
                // No job after all: the count must not keep the loop held later. The Promise,
                // never returned, is left pending and collected.
                self.unsettled.fetch_sub(1, Ordering::Relaxed);
                return Err(error);
            }
        }
        let settle = Settle {
            deferred: Some(Deferred(deferred)),
            channel: Arc::clone(self),
        };
        Ok((settle, promise))
    }

    /// Queues `settlement`; the first one queued since the last wake-up wakes the thread.
    fn push(&self, settlement: Settlement) {
        let mut state = lock(&self.state);
        if state.tsfn.is_null() {
            // Torn down: the Promise went with its environment.
            return;
        }
        state.queue.push(settlement);
        if !state.woken {
            // SAFETY: the threadsafe function is open (checked under the lock the teardown hook
            // takes before closing it). The queue is unbounded, so a non-blocking call is never
            // refused for being full.
            let status = unsafe {
                sys::napi_call_threadsafe_function(
                    state.tsfn,
                    ptr::null_mut(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                )
            };
            // Refused (closing: the teardown hook is about to drop the queue): the next push
            // tries again rather than count on a wake-up that will not come.
            state.woken = status == sys::Status::napi_ok;
        }
    }
}

/// `*mut napi_deferred__`: a Promise's resolver, used only on its environment's thread.
struct Deferred(sys::napi_deferred);

// SAFETY: the pointer is only carried across threads; it is dereferenced (by napi) only in
// `settle_now`, on the environment's thread.
unsafe impl Send for Deferred {}

/// Settles one Promise, exactly once: with [`Settle::settle`], or, if dropped unsettled (a job
/// the pool never ran), with a rejection, so no Promise stays pending and holds the loop open.
pub(crate) struct Settle {
    deferred: Option<Deferred>,
    channel: Arc<Channel>,
}

impl Settle {
    /// Settles the Promise with `outcome` (converted on the JavaScript thread).
    pub(crate) fn settle<T: ToNapiValue + Send + 'static>(mut self, outcome: Outcome<T>) {
        if let Some(deferred) = self.deferred.take() {
            self.channel
                .push(Box::new(move |env| settle_now(env, deferred, outcome)));
        }
    }
}

impl Drop for Settle {
    fn drop(&mut self) {
        if let Some(deferred) = self.deferred.take() {
            let error: Outcome<()> = Err(CodedError::native(
                "the native job was dropped before it ran",
            ));
            self.channel
                .push(Box::new(move |env| settle_now(env, deferred, error)));
        }
    }
}

/// Resolves or rejects `deferred` on the JavaScript thread (`env` is live).
fn settle_now<T: ToNapiValue>(env: sys::napi_env, deferred: Deferred, outcome: Outcome<T>) {
    let value = match outcome {
        // SAFETY: on the JavaScript thread with its live env.
        Ok(value) => unsafe { T::to_napi_value(env, value) },
        Err(error) => Err(error.into_napi(&Env::from_raw(env))),
    };
    // SAFETY: `env` is live on its thread, `deferred` is this environment's and unsettled (a
    // `Settle` settles once), and every value passed is a handle of the current scope.
    unsafe {
        match value {
            Ok(value) => {
                sys::napi_resolve_deferred(env, deferred.0, value);
            }
            Err(error) => {
                // A conversion that threw (e.g. an allocation failure) left its exception
                // pending: reject with that exception rather than leave it for the next call.
                let mut pending = false;
                sys::napi_is_exception_pending(env, &mut pending);
                let mut reason = ptr::null_mut();
                if pending {
                    sys::napi_get_and_clear_last_exception(env, &mut reason);
                } else {
                    reason = JsError::from(error).into_value(env);
                }
                sys::napi_reject_deferred(env, deferred.0, reason);
            }
        }
    }
}

/// The threadsafe function's callback, on the JavaScript thread: settles everything queued.
unsafe extern "C" fn call_js(
    env: sys::napi_env,
    _callback: sys::napi_value,
    context: *mut c_void,
    _data: *mut c_void,
) {
    // A null env: Node is draining the queue at teardown, with no JavaScript left to call.
    if env.is_null() {
        return;
    }
    // SAFETY: `context` is the strong count `Channel::open` gave Node; `finalize` returns it
    // only after the last call of this callback.
    let channel = unsafe { &*context.cast_const().cast::<Channel>() };
    let batch = {
        let mut state = lock(&channel.state);
        state.woken = false;
        std::mem::take(&mut state.queue)
    };
    let settled = batch.len();
    for settlement in batch {
        // One handle scope per Promise, so a long batch does not pile up handles.
        let mut scope = ptr::null_mut();
        // SAFETY: `env` is live on its thread; the scope is closed before the next one opens.
        unsafe { sys::napi_open_handle_scope(env, &mut scope) };
        // A panic must not unwind into Node (it would abort the process); none is expected
        // (conversions report failures as errors), and the other Promises still settle.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| settlement(env)));
        // SAFETY: as above.
        unsafe { sys::napi_close_handle_scope(env, scope) };
    }
    let before = channel.unsettled.fetch_sub(settled, Ordering::Relaxed);
    if before == settled {
        let tsfn = lock(&channel.state).tsfn;
        if !tsfn.is_null() {
            // SAFETY: on the environment's thread, with its threadsafe function open. Idle:
            // the loop may end while this environment has no job pending.
            unsafe { sys::napi_unref_threadsafe_function(env, tsfn) };
        }
    }
}

/// The environment's cleanup hook: closes the channel before Node finalizes its threadsafe
/// function. Queued settlements are dropped with the environment's Promises.
unsafe extern "C" fn teardown(arg: *mut c_void) {
    // SAFETY: the strong count `Channel::open` gave this hook, which runs once.
    let channel = unsafe { Arc::from_raw(arg.cast_const().cast::<Channel>()) };
    let queue = {
        let mut state = lock(&channel.state);
        state.tsfn = ptr::null_mut();
        std::mem::take(&mut state.queue)
    };
    // Each settlement's Drop frees Rust data only; none touches the dying environment.
    drop(queue);
}

/// Node's finalizer of the threadsafe function: gives back the strong count of `open`.
unsafe extern "C" fn finalize(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the pointer `Arc::into_raw` made in `Channel::open`, finalized once.
    let channel = unsafe { Arc::from_raw(data.cast_const().cast::<Channel>()) };
    // In case Node finalizes without running the cleanup hook first (napi_release on error).
    lock(&channel.state).tsfn = ptr::null_mut();
}
