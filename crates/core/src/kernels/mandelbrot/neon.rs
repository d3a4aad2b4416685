//! The NEON path (aarch64): one pixel per lane of a 128-bit vector (2 doubles), [`VECTORS`]
//! vectors in flight so their dependent multiply–add chains overlap.
//!
//! Every lane runs the scalar arithmetic of [`super::mandelbrot`] with lane-wise IEEE
//! `fmul`/`fadd`/`fsub` (never `fmla`; `2·x` is `x + x`, the same exact double), and the escape
//! test is the scalar `!(x² + y² > 4)`, so an unordered (NaN) sum keeps a lane going as it keeps
//! the scalar loop going. A vector whose lanes have both stopped stores its counts and takes the
//! row's next 2 pixels.

use std::arch::aarch64::*;

use super::BUDGET;
use crate::cancel::Cancelled;
use crate::ctx::Steps;

/// Pixels per vector.
const LANES: usize = 2;
/// Vectors whose orbits advance side by side (32 registers hold 6 blocks' state and temporaries).
const VECTORS: usize = 6;

/// Two pixels' orbits.
#[derive(Clone, Copy)]
struct Block {
    x: float64x2_t,
    y: float64x2_t,
    cx: float64x2_t,
    /// Steps taken, per lane.
    count: uint64x2_t,
    /// All ones in lanes still iterating.
    live: uint64x2_t,
    /// Lanes with a pixel (the last block of a row may be short).
    lanes: usize,
    /// The pixel of lane 0, or `usize::MAX` for a block without pixels.
    start: usize,
    /// Steps the block may still take before the iteration cap.
    left: u32,
}

impl Block {
    #[target_feature(enable = "neon")]
    fn idle() -> Block {
        Block {
            x: vdupq_n_f64(0.0),
            y: vdupq_n_f64(0.0),
            cx: vdupq_n_f64(0.0),
            count: vdupq_n_u64(0),
            live: vdupq_n_u64(0),
            lanes: 0,
            start: usize::MAX,
            left: 0,
        }
    }

    /// The block of pixels `start..` (at most 2, at most up to `len`).
    #[target_feature(enable = "neon")]
    fn start(start: usize, len: usize, x_min: f64, dx: f64, max: u32) -> Block {
        let lanes = (len - start).min(LANES);
        let mut cx = [0.0; LANES];
        let mut live = [0u64; LANES];
        for lane in 0..lanes {
            // Exactly the scalar path's `x_min + (px as f64) * dx`.
            cx[lane] = x_min + ((start + lane) as f64) * dx;
            live[lane] = u64::MAX;
        }
        Block {
            // SAFETY: both arrays hold 2 elements of 8 bytes; the loads read exactly those.
            cx: unsafe { vld1q_f64(cx.as_ptr()) },
            // SAFETY: as above.
            live: unsafe { vld1q_u64(live.as_ptr()) },
            lanes,
            start,
            left: max,
            ..Block::idle()
        }
    }
}

/// [`super::scalar::render_row`] on 2-lane vectors.
///
/// # Safety
/// The CPU must support NEON (every aarch64 CPU does).
#[target_feature(enable = "neon")]
pub(super) unsafe fn render_row(
    row: &mut [u32],
    x_min: f64,
    dx: f64,
    cy: f64,
    max: u32,
    steps: &Steps,
) -> Result<(), Cancelled> {
    let four = vdupq_n_f64(4.0);
    let cy = vdupq_n_f64(cy);
    let len = row.len();
    let mut blocks = [Block::idle(); VECTORS];
    let mut next = 0; // the next pixel to start
    let mut busy = 0; // blocks with pixels
    let mut spent = 0u64; // iterations since the last check
    let mut pending = 0u64; // pixels finished since the last progress report
    for block in &mut blocks {
        if next < len {
            *block = Block::start(next, len, x_min, dx, max);
            next += LANES;
            busy += 1;
        }
    }
    while busy > 0 {
        for b in &mut blocks {
            if b.start == usize::MAX {
                continue;
            }
            let x2 = vmulq_f64(b.x, b.x);
            let y2 = vmulq_f64(b.y, b.y);
            // Lanes that take this step: live, under the cap, and not `x² + y² > 4`.
            let going = vbicq_u64(b.live, vcgtq_f64(vaddq_f64(x2, y2), four));
            if b.left == 0 || vmaxvq_u32(vreinterpretq_u32_u64(going)) == 0 {
                let counts = [vgetq_lane_u64::<0>(b.count), vgetq_lane_u64::<1>(b.count)];
                for (out, &count) in row[b.start..b.start + b.lanes].iter_mut().zip(&counts) {
                    // A count never exceeds `max`, a u32.
                    *out = count as u32;
                }
                pending += b.lanes as u64;
                if next < len {
                    *b = Block::start(next, len, x_min, dx, max);
                    next += LANES;
                } else {
                    *b = Block::idle();
                    busy -= 1;
                }
                continue;
            }
            // `going` is all ones (u64::MAX, i.e. −1) in the lanes that step.
            b.count = vsubq_u64(b.count, going);
            b.y = vaddq_f64(vmulq_f64(vaddq_f64(b.x, b.x), b.y), cy);
            b.x = vaddq_f64(vsubq_f64(x2, y2), b.cx);
            b.live = going;
            b.left -= 1;
        }
        spent += (VECTORS * LANES) as u64;
        if spent >= BUDGET {
            steps.advance(pending)?;
            (spent, pending) = (0, 0);
        }
    }
    steps.advance(pending)
}
