//! What a running kernel sees of the outside world: its cancel flag and its progress sink.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cancel::{CancelToken, Cancelled};
use crate::cpu::{self, CpuPath};

/// Receives progress fractions in `[0, 1)` from a kernel. Called on pool threads, never
/// concurrently (a [`Steps`] serialises its calls), so it must be quick and must not block.
pub type ProgressSink = Arc<dyn Fn(f64) + Send + Sync>;

/// The shortest gap between two progress reports of one kernel.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);

/// A kernel's context: the job's [`CancelToken`], the [`CpuPath`] its vector code may use, and,
/// when somebody listens, a progress sink.
#[derive(Clone)]
pub struct Ctx {
    cancel: CancelToken,
    sink: Option<ProgressSink>,
    cpu: CpuPath,
}

impl Default for Ctx {
    fn default() -> Self {
        Self::new(CancelToken::default())
    }
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("cancel", &self.cancel)
            .field("progress", &self.sink.is_some())
            .field("cpu", &self.cpu)
            .finish()
    }
}

impl Ctx {
    /// A context that stops when `cancel` is cancelled, reports no progress and runs on the
    /// process-wide [`cpu::active`] path.
    pub fn new(cancel: CancelToken) -> Self {
        Self {
            cancel,
            sink: None,
            cpu: cpu::active(),
        }
    }

    /// Runs the kernel's vector code on `path` instead (tests check every supported path this
    /// way). The caller makes sure the CPU supports it: kernels trust [`Ctx::cpu`].
    ///
    /// # Panics
    /// When this CPU cannot run `path`: running its code would be undefined behaviour.
    pub fn with_cpu(mut self, path: CpuPath) -> Self {
        assert!(path.is_supported(), "this CPU cannot run the {path} path");
        self.cpu = path;
        self
    }

    /// The code path this job's kernel uses; always one the CPU supports.
    #[inline]
    pub fn cpu(&self) -> CpuPath {
        self.cpu
    }

    /// Adds a progress sink.
    pub fn with_progress(mut self, sink: ProgressSink) -> Self {
        self.sink = Some(sink);
        self
    }

    /// The job's cancel flag.
    pub fn cancel_token(&self) -> &CancelToken {
        &self.cancel
    }

    /// `Err(Cancelled)` once cancellation was requested: call it between slices of work.
    #[inline]
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.cancel.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// Starts counting `total` units of work (any unit the kernel likes: iterations, rows,
    /// bytes). Report finished units with [`Steps::advance`], which also checks cancellation.
    pub fn steps(&self, total: u64) -> Steps<'_> {
        Steps {
            ctx: self,
            total: total.max(1),
            done: AtomicU64::new(0),
            gate: Mutex::new(Gate {
                last_emit: Instant::now(),
                last_fraction: 0.0,
            }),
        }
    }
}

struct Gate {
    last_emit: Instant,
    last_fraction: f64,
}

/// Progress and cancellation for one kernel run; `Sync`, so parallel parts share one.
///
/// Reports are throttled to one per [`PROGRESS_INTERVAL`], strictly increasing, and always
/// below `1`: the caller reports the final `1` once the kernel has actually succeeded.
pub struct Steps<'a> {
    ctx: &'a Ctx,
    total: u64,
    done: AtomicU64,
    gate: Mutex<Gate>,
}

impl std::fmt::Debug for Steps<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Steps")
            .field("total", &self.total)
            .field("done", &self.done.load(Ordering::Relaxed))
            .finish()
    }
}

impl Steps<'_> {
    /// Records `units` more units done, maybe reports progress, and checks cancellation.
    /// Call it about every millisecond of work; it costs a few nanoseconds when nobody listens.
    #[inline]
    pub fn advance(&self, units: u64) -> Result<(), Cancelled> {
        if let Some(sink) = &self.ctx.sink {
            self.done.fetch_add(units, Ordering::Relaxed);
            self.report(sink);
        }
        self.ctx.check()
    }

    /// The context these steps belong to.
    pub fn ctx(&self) -> &Ctx {
        self.ctx
    }

    #[cold]
    fn report(&self, sink: &ProgressSink) {
        // try_lock: a thread that finds another one reporting simply carries on working.
        let Ok(mut gate) = self.gate.try_lock() else {
            return;
        };
        let now = Instant::now();
        if now.duration_since(gate.last_emit) < PROGRESS_INTERVAL {
            return;
        }
        // Read `done` under the lock: reports are serialised and `done` only grows, so the
        // fractions sent are monotone even when several threads advance at once.
        let done = self.done.load(Ordering::Relaxed).min(self.total);
        let fraction = done as f64 / self.total as f64;
        if fraction > gate.last_fraction && fraction < 1.0 {
            gate.last_fraction = fraction;
            gate.last_emit = now;
            sink(fraction);
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use std::sync::Mutex as StdMutex;

    type Seen = Arc<StdMutex<Vec<(Instant, f64)>>>;

    fn recording() -> (Ctx, Seen) {
        let seen: Seen = Arc::new(StdMutex::new(Vec::new()));
        let sink_seen = Arc::clone(&seen);
        let sink: ProgressSink = Arc::new(move |f| {
            if let Ok(mut v) = sink_seen.lock() {
                v.push((Instant::now(), f))
            }
        });
        (Ctx::new(CancelToken::new()).with_progress(sink), seen)
    }

    fn fractions(seen: &Seen) -> Vec<f64> {
        seen.lock().expect("lock").iter().map(|(_, f)| *f).collect()
    }

    #[test]
    fn advance_reports_cancellation() {
        let token = CancelToken::new();
        let ctx = Ctx::new(token.clone());
        let steps = ctx.steps(10);
        assert_eq!(steps.advance(1), Ok(()));
        token.cancel();
        assert_eq!(steps.advance(1), Err(Cancelled));
        assert_eq!(ctx.check(), Err(Cancelled));
    }

    #[test]
    fn progress_is_throttled_monotone_and_below_one() {
        let (ctx, seen) = recording();
        let started = Instant::now();
        let steps = ctx.steps(1000);
        for _ in 0..1000 {
            steps.advance(1).expect("not cancelled");
            std::thread::sleep(Duration::from_micros(300));
        }
        // At least 300 ms of work went by, so the 50 ms gate opened at least once.
        let times: Vec<Instant> = seen.lock().expect("lock").iter().map(|(t, _)| *t).collect();
        assert!(!times.is_empty());
        assert!(times[0].duration_since(started) >= PROGRESS_INTERVAL);
        assert!(times
            .windows(2)
            .all(|w| w[1].duration_since(w[0]) >= PROGRESS_INTERVAL));
        let seen = fractions(&seen);
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        assert!(seen.iter().all(|f| *f > 0.0 && *f < 1.0), "{seen:?}");
    }

    #[test]
    fn parallel_advances_stay_monotone() {
        let (ctx, seen) = recording();
        let steps = ctx.steps(4 * 2000);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..2000 {
                        steps.advance(1).expect("not cancelled");
                        std::thread::sleep(Duration::from_micros(50));
                    }
                });
            }
        });
        let seen = fractions(&seen);
        assert!(!seen.is_empty());
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    }
}
