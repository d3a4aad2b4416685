//! Helpers shared by the kernels' tests.

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

/// A run long enough for the 50 ms progress gate to open several times: debug builds must get
/// there at scale 1 (sizes are picked for that); release builds may need to grow the input.
const LONG_RUN: Duration = Duration::from_millis(200);

/// Largest scale tried by [`check_progress`] (release builds only need it).
const MAX_SCALE: u64 = 16;

/// Checks a kernel's progress reports. `run(ctx, scale)` runs the kernel on an input that grows
/// with `scale` (1, 2, 4, …); the scale doubles until a run lasts [`LONG_RUN`]. Every run's
/// fractions must be strictly increasing and in (0, 1), and the long run must report at least
/// one. Nothing here asserts how fast anything is: the duration only picks the input size.
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
        if long {
            assert!(!seen.is_empty(), "a long run reported no progress");
            return;
        }
        // Only an optimised build may be too quick at scale 1; a debug one means the test's
        // input is too small to test anything. An optimised build that stays too quick up to
        // MAX_SCALE has still checked every fraction it saw.
        assert!(
            !cfg!(debug_assertions),
            "the run at scale {scale} was too short to test progress"
        );
        if scale >= MAX_SCALE {
            return;
        }
        scale *= 2;
    }
}
