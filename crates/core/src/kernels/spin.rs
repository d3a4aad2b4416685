//! `spin`: a counted empty loop, the honest native twin of `for i in range(n): pass`.

use crate::cancel::Cancelled;
use crate::ctx::Ctx;

/// Iterations between two [`Steps::advance`](crate::Steps::advance) calls: about a
/// millisecond of work (an iteration is one multiply and one add, a few cycles).
const SLICE: u64 = 1 << 20;

/// The hash's multiplier (2^32 / φ, odd): no cheap shift-and-add form, so every step costs a
/// real multiply here and in the TypeScript twin, `src/twins/spin.ts`, which runs the same loop.
const MULTIPLIER: u32 = 0x9E37_79B1;

/// Runs an empty loop of `iterations` steps on the calling thread and returns how many steps
/// it ran (always `iterations`).
///
/// Every step is real: each one folds its counter into a running hash
/// (`acc = acc·MULTIPLIER + i`, wrapping) and passes the hash through [`opaque`], so the
/// optimiser can neither delete the loop, nor turn it into a closed form, nor regroup several
/// steps into one (which LLVM otherwise does: unrolled, `acc·K⁸ + …` runs six times faster). The TypeScript twin runs the very same steps, which makes
/// native-against-twin timings of `spin` a fair comparison of loop overhead. It is deliberately
/// sequential, like the loop it stands for.
///
/// Preconditions: none; any `iterations` works (`u64::MAX` simply runs until cancelled).
/// Progress counts iterations.
pub fn spin(iterations: u64, ctx: &Ctx) -> Result<u64, Cancelled> {
    let steps = ctx.steps(iterations);
    steps.advance(0)?;
    let mut done = 0;
    let mut acc: u32 = 0;
    while done < iterations {
        let slice = (iterations - done).min(SLICE);
        for i in 0..slice {
            // `slice` ≤ 2^20, so `i` fits a u32 exactly, as in the twin.
            acc = opaque(acc.wrapping_mul(MULTIPLIER).wrapping_add(i as u32));
        }
        done += slice;
        steps.advance(slice)?;
    }
    Ok(done)
}

/// Returns `x`, hidden from the optimiser at no cost: an empty `asm!` block that claims to
/// rewrite the register holding it. [`std::hint::black_box`] does the same through a stack slot, which
/// would add a store and a load to every step; it remains the fallback elsewhere.
#[inline(always)]
fn opaque(x: u32) -> u32 {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    {
        let mut x = x;
        // SAFETY: the template is only a comment: no instruction runs, no memory, stack or
        // flags are touched; the compiler only forgets what it knew about the register's value.
        // (`e`/`w` name the 32-bit view of the register.)
        #[cfg(target_arch = "x86_64")]
        unsafe {
            std::arch::asm!("/* {0:e} */", inout(reg) x, options(nomem, nostack, preserves_flags))
        };
        #[cfg(target_arch = "aarch64")]
        unsafe {
            std::arch::asm!("/* {0:w} */", inout(reg) x, options(nomem, nostack, preserves_flags))
        };
        x
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        std::hint::black_box(x)
    }
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
