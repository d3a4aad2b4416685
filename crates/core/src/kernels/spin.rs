//! `spin`: a counted empty loop, the honest native twin of `for i in range(n): pass`.

use std::hint::black_box;

use crate::cancel::Cancelled;
use crate::ctx::Ctx;

/// Iterations between two [`Steps::advance`](crate::Steps::advance) calls: at most a
/// millisecond of work (an iteration takes about a CPU cycle).
const SLICE: u64 = 1 << 20;

/// Runs an empty loop of `iterations` steps on the calling thread and returns how many steps
/// it ran (always `iterations`).
///
/// Every step is real: the counter goes through [`black_box`] each iteration, so the optimiser
/// can neither delete the loop nor replace it with a closed form. It is deliberately
/// sequential, like the loop it stands for.
///
/// Preconditions: none; any `iterations` works (`u64::MAX` simply runs until cancelled).
/// Progress counts iterations.
pub fn spin(iterations: u64, ctx: &Ctx) -> Result<u64, Cancelled> {
    let steps = ctx.steps(iterations);
    steps.advance(0)?;
    let mut done = 0;
    while done < iterations {
        let slice = (iterations - done).min(SLICE);
        for i in 0..slice {
            black_box(i);
        }
        done += slice;
        steps.advance(slice)?;
    }
    Ok(done)
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::kernels::test_support::{
        cancelled_ctx, check_cancel_midway, check_progress, ctx_cancelled_after,
    };
    use std::time::Duration;

    #[test]
    fn returns_the_iteration_count() {
        let ctx = Ctx::default();
        for n in [0, 1, 2, 1000, SLICE - 1, SLICE, SLICE + 1, 3 * SLICE + 7] {
            assert_eq!(spin(n, &ctx), Ok(n));
        }
    }

    #[test]
    fn a_cancelled_context_stops_it() {
        assert_eq!(spin(u64::MAX, &cancelled_ctx()), Err(Cancelled));
        assert_eq!(spin(0, &cancelled_ctx()), Err(Cancelled));
        // u64::MAX iterations outlast any test run: only the cancellation can end this one.
        let ctx = ctx_cancelled_after(Duration::from_millis(20));
        assert_eq!(spin(u64::MAX, &ctx), Err(Cancelled));
        check_cancel_midway(|ctx, scale| spin(scale << 25, ctx).map(drop));
    }

    #[test]
    fn reports_progress() {
        check_progress(|ctx, scale| spin(scale << 25, ctx).map(drop));
    }
}
