//! spindle's own thread pool: a rayon pool whose jobs are cancellable, panic-safe, tracked by
//! group, and whose threads can be waited for when the pool is retired.
//!
//! Kernels run here rather than on libuv's threadpool, whose four threads Node's fs, dns, zlib
//! and crypto share: a kernel there would starve them.

use std::any::Any;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::cancel::{CancelToken, Cancelled};
use crate::ctx::Ctx;

/// Why a job did not produce its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobError {
    /// The job's token was cancelled before or while it ran.
    Cancelled,
    /// The job panicked; the message is the panic payload when it was a string.
    Panicked(String),
    /// The job never ran: its pool could not start (the message says why).
    NotStarted(String),
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobError::Cancelled => f.write_str("the job was cancelled"),
            JobError::Panicked(msg) => write!(f, "a native kernel panicked: {msg}"),
            JobError::NotStarted(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for JobError {}

impl From<Cancelled> for JobError {
    fn from(_: Cancelled) -> Self {
        JobError::Cancelled
    }
}

/// The pool could not be built (the OS refused to spawn a thread, or a size of zero).
#[derive(Debug)]
pub struct PoolError(String);

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot start spindle's thread pool: {}", self.0)
    }
}

impl std::error::Error for PoolError {}

impl PoolError {
    pub(crate) fn zero_threads() -> Self {
        PoolError("a pool needs at least one thread".into())
    }
}

/// Locks a mutex whose data stays consistent even if a holder panicked (we never panic while
/// holding these locks, but a poisoned lock must not turn into a second panic).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The jobs in flight, by id, with their group (e.g. the JavaScript environment that asked for
/// them) and their cancel token, so a group or everything can be cancelled at once.
#[derive(Debug, Default)]
pub(crate) struct JobTable {
    next_id: AtomicU64,
    jobs: Mutex<HashMap<u64, (u64, CancelToken)>>,
}

impl JobTable {
    fn insert(&self, group: u64, token: CancelToken) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.jobs).insert(id, (group, token));
        id
    }

    fn remove(&self, id: u64) {
        lock(&self.jobs).remove(&id);
    }

    pub(crate) fn cancel_where(&self, pred: impl Fn(u64) -> bool) -> usize {
        let jobs = lock(&self.jobs);
        let mut n = 0;
        for (group, token) in jobs.values() {
            if pred(*group) {
                token.cancel();
                n += 1;
            }
        }
        n
    }

    pub(crate) fn len(&self) -> usize {
        lock(&self.jobs).len()
    }

    /// Whether any job in flight belongs to a group for which `pred` holds.
    pub(crate) fn any_where(&self, pred: impl Fn(u64) -> bool) -> bool {
        lock(&self.jobs).values().any(|(group, _)| pred(*group))
    }
}

/// Counts a pool's live threads so its retirement can be awaited.
#[derive(Debug, Default)]
struct LiveThreads {
    count: Mutex<usize>,
    changed: Condvar,
}

/// Resolves once every thread of a retired pool has exited.
#[derive(Debug, Clone)]
pub struct Exited(Arc<LiveThreads>);

impl Exited {
    /// Blocks until every thread has exited, or `timeout` passed; true when they all exited.
    pub fn wait(&self, timeout: Duration) -> bool {
        let live = lock(&self.0.count);
        let (live, _) = self
            .0
            .changed
            .wait_timeout_while(live, timeout, |n| *n > 0)
            .unwrap_or_else(PoisonError::into_inner);
        *live == 0
    }
}

/// A fixed-size pool of native threads running cancellable jobs.
///
/// Jobs may use rayon's parallel iterators and `join` freely: running on a pool thread, they
/// split their work across this pool, never across another.
#[derive(Debug)]
pub struct Pool {
    pool: rayon::ThreadPool,
    threads: usize,
    live: Arc<LiveThreads>,
    jobs: Arc<JobTable>,
}

impl Pool {
    /// A pool of `threads` threads (at least one) with its own job table.
    pub fn new(threads: usize) -> Result<Self, PoolError> {
        Self::with_jobs(threads, Arc::default())
    }

    pub(crate) fn with_jobs(threads: usize, jobs: Arc<JobTable>) -> Result<Self, PoolError> {
        if threads == 0 {
            return Err(PoolError::zero_threads());
        }
        // Counted from the start: rayon spawns every thread in `build`, and a pool retired
        // before its threads ran must still wait for them.
        let live = Arc::new(LiveThreads {
            count: Mutex::new(threads),
            changed: Condvar::new(),
        });
        let on_exit = Arc::clone(&live);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("spindle-{i}"))
            .exit_handler(move |_| {
                let mut n = lock(&on_exit.count);
                *n = n.saturating_sub(1);
                on_exit.changed.notify_all();
            })
            .build()
            .map_err(|e| PoolError(e.to_string()))?;
        Ok(Self {
            pool,
            threads,
            live,
            jobs,
        })
    }

    /// The number of threads.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Jobs submitted and not yet finished.
    pub fn in_flight(&self) -> usize {
        self.jobs.len()
    }

    /// Queues `work` and calls `done` with its outcome on the pool thread that ran it.
    ///
    /// Contract: `done` is called exactly once, also when the job was cancelled before it
    /// started (`JobError::Cancelled`, without running `work`) and when `work` panicked
    /// (`JobError::Panicked`; the pool and its thread carry on). `group` tags the job for
    /// [`Pool::cancel_group`].
    pub fn submit<T, W, D>(&self, group: u64, ctx: Ctx, work: W, done: D)
    where
        T: Send + 'static,
        W: FnOnce(&Ctx) -> Result<T, Cancelled> + Send + 'static,
        D: FnOnce(Result<T, JobError>) + Send + 'static,
    {
        let jobs = Arc::clone(&self.jobs);
        let id = jobs.insert(group, ctx.cancel_token().clone());
        self.pool.spawn(move || {
            let outcome = if ctx.check().is_err() {
                Err(JobError::Cancelled)
            } else {
                match catch_unwind(AssertUnwindSafe(|| work(&ctx))) {
                    Ok(Ok(value)) => Ok(value),
                    Ok(Err(Cancelled)) => Err(JobError::Cancelled),
                    Err(payload) => Err(JobError::Panicked(panic_message(payload.as_ref()))),
                }
            };
            jobs.remove(id);
            // A panic escaping a rayon job aborts the process; `done` is the caller's code,
            // so it gets the same guard as the work.
            let _ = catch_unwind(AssertUnwindSafe(|| done(outcome)));
        });
    }

    /// Cancels every job of `group`; returns how many were in flight.
    pub fn cancel_group(&self, group: u64) -> usize {
        self.jobs.cancel_where(|g| g == group)
    }

    /// Cancels every job in flight; returns how many there were.
    pub fn cancel_all(&self) -> usize {
        self.jobs.cancel_where(|_| true)
    }

    /// Retires the pool: queued and running jobs still finish (cancel them first to make that
    /// quick), then the threads exit. The returned handle waits for that.
    pub fn retire(self) -> Exited {
        let exited = Exited(Arc::clone(&self.live));
        drop(self.pool);
        exited
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}

#[cfg(test)]
#[path = "pool_test.rs"]
mod test;
