//! The process-wide owner of spindle's pool: started lazily, resized, shut down, and restarted
//! on the next job after a shutdown.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cancel::Cancelled;
use crate::ctx::Ctx;
use crate::pool::{lock, Exited, JobError, JobTable, Pool, PoolError};

/// Owns at most one live [`Pool`] plus the pools retired by a resize that still finish their
/// jobs. One job table spans them all, so cancelling a group reaches every job of it.
#[derive(Debug, Default)]
pub struct Runtime {
    state: Mutex<State>,
    jobs: Arc<JobTable>,
}

#[derive(Debug, Default)]
struct State {
    /// The size asked for by [`Runtime::set_threads`]; `None` means [`default_threads`].
    threads: Option<usize>,
    pool: Option<Pool>,
    /// Pools replaced by a resize, kept so a shutdown can wait for their threads too.
    retired: Vec<Exited>,
}

/// The default pool size: the parallelism the OS grants this process (cgroup- and
/// affinity-aware), as Node's `os.availableParallelism()` reports it.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Runtime {
    /// A runtime with no pool yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The size of the running pool, or the size the next one will have.
    pub fn threads(&self) -> usize {
        let state = lock(&self.state);
        match &state.pool {
            Some(pool) => pool.threads(),
            None => state.threads.unwrap_or_else(default_threads),
        }
    }

    /// Whether a pool is running.
    pub fn is_running(&self) -> bool {
        lock(&self.state).pool.is_some()
    }

    /// Jobs submitted and not yet finished, across every pool.
    pub fn in_flight(&self) -> usize {
        self.jobs.len()
    }

    /// Sets the pool size. A running pool of another size is retired — its jobs still finish —
    /// and the next job starts a pool of the new size.
    pub fn set_threads(&self, threads: usize) -> Result<(), PoolError> {
        if threads == 0 {
            return Err(PoolError::zero_threads());
        }
        let mut state = lock(&self.state);
        state.threads = Some(threads);
        if state.pool.as_ref().is_some_and(|p| p.threads() != threads) {
            if let Some(old) = state.pool.take() {
                let exited = old.retire();
                state.retired.push(exited);
            }
        }
        Ok(())
    }

    /// Runs `work` on the pool (started now if needed); `done` gets its outcome, exactly once:
    /// [`JobError::NotStarted`] when the pool cannot start. See [`Pool::submit`] for the
    /// contract.
    pub fn submit<T, W, D>(&self, group: u64, ctx: Ctx, work: W, done: D)
    where
        T: Send + 'static,
        W: FnOnce(&Ctx) -> Result<T, Cancelled> + Send + 'static,
        D: FnOnce(Result<T, JobError>) + Send + 'static,
    {
        let mut state = lock(&self.state);
        if state.pool.is_none() {
            let threads = state.threads.unwrap_or_else(default_threads);
            match Pool::with_jobs(threads, Arc::clone(&self.jobs)) {
                Ok(pool) => state.pool = Some(pool),
                Err(error) => {
                    drop(state);
                    done(Err(JobError::NotStarted(error.to_string())));
                    return;
                }
            }
        }
        if let Some(pool) = &state.pool {
            pool.submit(group, ctx, work, done);
        }
    }

    /// Cancels every job of `group` in every pool; returns how many were in flight.
    pub fn cancel_group(&self, group: u64) -> usize {
        self.jobs.cancel_where(|g| g == group)
    }

    /// Cancels every job, retires every pool, frees the [`spare`](crate::spare) buffers, and
    /// returns a handle that waits for all their threads to exit. The next
    /// [`Runtime::submit`] starts a fresh pool.
    pub fn shutdown(&self) -> Shutdown {
        let mut state = lock(&self.state);
        self.jobs.cancel_where(|_| true);
        Self::retire_all(&mut state)
    }

    /// Retires every pool (their threads exit once their jobs end) and frees the spare buffers.
    fn retire_all(state: &mut State) -> Shutdown {
        let mut exits = std::mem::take(&mut state.retired);
        if let Some(pool) = state.pool.take() {
            exits.push(pool.retire());
        }
        // Buffers still lent out come back as their jobs end, and their reaper frees them.
        crate::spare::BYTES.release();
        crate::spare::FLOATS.release();
        Shutdown { exits, group: None }
    }

    /// Cancels the jobs of `group` only (e.g. one JavaScript environment's), leaving every other
    /// group's work running. When no other group has a job in flight, the pools are retired as
    /// by [`Runtime::shutdown`]; otherwise they keep running for the others, and the handle
    /// waits only for `group`'s jobs to end.
    pub fn shutdown_group(&self, group: u64) -> Shutdown {
        let mut state = lock(&self.state);
        self.jobs.cancel_where(|g| g == group);
        if self.jobs.any_where(|g| g != group) {
            return Shutdown {
                exits: Vec::new(),
                group: Some((Arc::clone(&self.jobs), group)),
            };
        }
        // Still under the state lock: no other group can submit between the check and this.
        Self::retire_all(&mut state)
    }
}

/// Waits for the threads of every pool a [`Runtime::shutdown`] retired, or for the jobs of the
/// group a [`Runtime::shutdown_group`] cancelled.
#[derive(Debug)]
pub struct Shutdown {
    exits: Vec<Exited>,
    group: Option<(Arc<JobTable>, u64)>,
}

/// How often a group's shutdown looks whether its cancelled jobs have ended (each kernel
/// checks its cancel flag about every millisecond).
const GROUP_POLL: Duration = Duration::from_millis(1);

impl Shutdown {
    /// Blocks until every thread exited (or every job of the group ended) or `timeout`
    /// passed; true when they all did.
    pub fn wait(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        if let Some((jobs, group)) = &self.group {
            while jobs.any_where(|g| g == *group) {
                if Instant::now() >= deadline {
                    return false;
                }
                std::thread::sleep(GROUP_POLL);
            }
        }
        self.exits
            .iter()
            .all(|e| e.wait(deadline.saturating_duration_since(Instant::now())))
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use std::sync::mpsc;

    const LONG: Duration = Duration::from_secs(30);

    fn run<T: Send + 'static>(
        rt: &Runtime,
        group: u64,
        work: impl FnOnce(&Ctx) -> Result<T, Cancelled> + Send + 'static,
    ) -> mpsc::Receiver<Result<T, JobError>> {
        let (tx, rx) = mpsc::channel();
        rt.submit(group, Ctx::default(), work, move |r| {
            let _ = tx.send(r);
        });
        rx
    }

    fn forever(ctx: &Ctx) -> Result<(), Cancelled> {
        loop {
            ctx.check()?;
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn the_pool_starts_lazily_with_the_configured_size() {
        let rt = Runtime::new();
        assert!(!rt.is_running());
        assert_eq!(rt.threads(), default_threads());
        rt.set_threads(3).expect("valid size");
        assert_eq!(rt.threads(), 3);
        let rx = run(&rt, 0, |_| Ok(rayon::current_num_threads()));
        assert_eq!(rx.recv_timeout(LONG), Ok(Ok(3)));
        assert!(rt.is_running());
    }

    #[test]
    fn zero_threads_is_refused() {
        assert!(Runtime::new().set_threads(0).is_err());
    }

    #[test]
    fn resizing_lets_running_jobs_finish_on_the_old_pool() {
        let rt = Runtime::new();
        rt.set_threads(1).expect("valid size");
        let slow = run(&rt, 0, |_| {
            std::thread::sleep(Duration::from_millis(30));
            Ok(rayon::current_num_threads())
        });
        rt.set_threads(2).expect("valid size");
        let fresh = run(&rt, 0, |_| Ok(rayon::current_num_threads()));
        assert_eq!(slow.recv_timeout(LONG), Ok(Ok(1)));
        assert_eq!(fresh.recv_timeout(LONG), Ok(Ok(2)));
    }

    #[test]
    fn shutdown_group_cancels_only_that_group_and_keeps_the_pool_for_the_others() {
        let rt = Runtime::new();
        rt.set_threads(2).expect("valid size");
        let mine = run(&rt, 1, forever);
        let theirs = run(&rt, 2, |ctx| {
            // Runs on after group 1's shutdown, until group 2 itself is cancelled.
            forever(ctx)?;
            Ok(())
        });
        let down = rt.shutdown_group(1);
        assert_eq!(mine.recv_timeout(LONG), Ok(Err(JobError::Cancelled)));
        assert!(down.wait(LONG));
        assert!(rt.is_running(), "the pool keeps serving group 2");
        let later = run(&rt, 2, |_| Ok(()));
        assert_eq!(later.recv_timeout(LONG), Ok(Ok(())));
        assert_eq!(rt.cancel_group(2), 1);
        assert_eq!(theirs.recv_timeout(LONG), Ok(Err(JobError::Cancelled)));
        // With no other group's work left, a group's shutdown retires the pool.
        let last = rt.shutdown_group(2);
        assert!(last.wait(LONG));
        assert!(!rt.is_running());
    }

    #[test]
    fn shutdown_cancels_everything_waits_for_threads_and_allows_a_restart() {
        let rt = Runtime::new();
        rt.set_threads(2).expect("valid size");
        let a = run(&rt, 1, forever);
        let b = run(&rt, 2, forever);
        let queued = run(&rt, 3, |_| Ok(()));
        let down = rt.shutdown();
        assert_eq!(a.recv_timeout(LONG), Ok(Err(JobError::Cancelled)));
        assert_eq!(b.recv_timeout(LONG), Ok(Err(JobError::Cancelled)));
        assert_eq!(queued.recv_timeout(LONG), Ok(Err(JobError::Cancelled)));
        assert!(down.wait(LONG));
        assert!(!rt.is_running());
        assert_eq!(rt.in_flight(), 0);
        let again = run(&rt, 0, |_| Ok("restarted"));
        assert_eq!(again.recv_timeout(LONG), Ok(Ok("restarted")));
    }

    #[test]
    fn cancel_group_reaches_jobs_of_retired_pools() {
        let rt = Runtime::new();
        rt.set_threads(1).expect("valid size");
        let old = run(&rt, 9, forever);
        rt.set_threads(2).expect("valid size");
        assert_eq!(rt.cancel_group(9), 1);
        assert_eq!(old.recv_timeout(LONG), Ok(Err(JobError::Cancelled)));
    }
}
