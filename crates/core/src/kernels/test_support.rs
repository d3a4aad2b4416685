//! Helpers shared by the kernels' tests.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cancel::{CancelToken, Cancelled};
use crate::ctx::{Ctx, ProgressSink};

/// A context whose token is already cancelled.
pub(crate) fn cancelled_ctx() -> Ctx {
    let token = CancelToken::new();
    token.cancel();
    Ctx::new(token)
}

/// A context that is cancelled from another thread `after` from now.
pub(crate) fn ctx_cancelled_after(after: Duration) -> Ctx {
    let token = CancelToken::new();
    let canceller = token.clone();
    std::thread::spawn(move || {
        std::thread::sleep(after);
        canceller.cancel();
    });
    Ctx::new(token)
}

/// Runs `f` inside a fresh rayon pool of `threads` threads, so the kernel's parallel parts
/// split across exactly that many threads.
pub(crate) fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("test pool");
    pool.install(f)
}

/// A run long enough for the 50 ms progress gate to open several times.
const LONG_RUN: Duration = Duration::from_millis(200);

/// Largest scale tried by [`check_progress`]. Test inputs are sized to last [`LONG_RUN`] at
/// scale 1 in a debug build here; faster machines and optimised builds grow them.
const MAX_SCALE: u64 = 16;

/// Checks a kernel's progress reports. `run(ctx, scale)` runs the kernel on an input that grows
/// with `scale` (1, 2, 4, …); the scale doubles until a run lasts [`LONG_RUN`]. Every run's
/// fractions must be strictly increasing and in (0, 1), and a long run must report at least
/// one (the largest, if smaller ones did not). Nothing here asserts how fast anything is: the
/// duration only picks the input size.
pub(crate) fn check_progress(mut run: impl FnMut(&Ctx, u64) -> Result<(), Cancelled>) {
    let mut scale = 1;
    loop {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink_seen = Arc::clone(&seen);
        let sink: ProgressSink = Arc::new(move |f| sink_seen.lock().expect("lock").push(f));
        let ctx = Ctx::new(CancelToken::new()).with_progress(sink);
        let started = Instant::now();
        run(&ctx, scale).expect("not cancelled");
        let long = started.elapsed() >= LONG_RUN;
        let seen = seen.lock().expect("lock").clone();
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        assert!(seen.iter().all(|f| *f > 0.0 && *f < 1.0), "{seen:?}");
        if long && !seen.is_empty() {
            return;
        }
        // A long run with nothing reported can be a busy machine's doing: its last steps before
        // the end all came within the gate's first 50 ms, and the end itself (1) is never
        // reported. A larger input has more steps; only the largest must report.
        if long && scale >= MAX_SCALE {
            panic!("a long run at scale {scale} reported no progress");
        }
        if scale >= MAX_SCALE {
            // An optimised build may outrun the largest input (the fractions it reported were
            // still checked); a debug build doing so means the test's inputs are far too small.
            if cfg!(debug_assertions) {
                panic!("even scale {scale} ran too briefly to test progress");
            }
            return;
        }
        scale *= 2;
    }
}

/// Checks that a kernel notices a cancellation that arrives while it runs. The progress sink
/// cancels the token at the first report (which comes 50 ms into the run, from inside
/// [`crate::Steps::advance`], just before that call checks the token), so a run that reported
/// must end in `Err(Cancelled)`. `run(ctx, scale)` is as for [`check_progress`]; the scale
/// doubles while runs end before any report.
pub(crate) fn check_cancel_midway(mut run: impl FnMut(&Ctx, u64) -> Result<(), Cancelled>) {
    let mut scale = 1;
    loop {
        let token = CancelToken::new();
        let canceller = token.clone();
        let reported = Arc::new(AtomicBool::new(false));
        let sink_reported = Arc::clone(&reported);
        let sink: ProgressSink = Arc::new(move |_| {
            sink_reported.store(true, Ordering::SeqCst);
            canceller.cancel();
        });
        let result = run(&Ctx::new(token).with_progress(sink), scale);
        if reported.load(Ordering::SeqCst) {
            assert_eq!(result, Err(Cancelled), "cancelled at scale {scale}");
            return;
        }
        assert_eq!(result, Ok(()), "cancelled without a report");
        if scale >= MAX_SCALE {
            if cfg!(debug_assertions) {
                panic!("even scale {scale} ran too briefly to be cancelled midway");
            }
            return;
        }
        scale *= 2;
    }
}
