//! The AVX2 path: one pixel per lane of a 256-bit vector (4 doubles), [`VECTORS`] vectors in
//! flight so their dependent multiply–add chains overlap.
//!
//! Every lane runs the scalar arithmetic of [`super::mandelbrot`] with lane-wise IEEE
//! `vmulpd`/`vaddpd`/`vsubpd` (never an FMA; `2·x` is `x + x`, the same exact double), and the
//! escape test is the scalar `!(x² + y² > 4)`, so an unordered (NaN) sum keeps a lane going as it
//! keeps the scalar loop going. A vector whose lanes have all stopped stores its counts and takes
//! the row's next 4 pixels.

use std::arch::x86_64::*;

use super::BUDGET;
use crate::cancel::Cancelled;
use crate::ctx::Steps;

/// Pixels per vector.
const LANES: usize = 4;
/// Vectors whose orbits advance side by side. Three blocks' state fits in the 16 registers; in
/// batches, three measured faster than four (0.84 against 1.16–1.26 ns per iteration).
const VECTORS: usize = 3;
/// The most steps between two looks at which blocks have finished.
const BATCH: u32 = 8;

/// Four pixels' orbits.
#[derive(Clone, Copy)]
struct Block {
    x: __m256d,
    y: __m256d,
    cx: __m256d,
    /// Steps taken, per lane (64-bit counters).
    count: __m256i,
    /// All ones in lanes still iterating.
    live: __m256d,
    /// Lanes with a pixel (the last block of a row may be short).
    lanes: usize,
    /// The pixel of lane 0, or `usize::MAX` for a block without pixels.
    start: usize,
    /// Steps the block may still take before the iteration cap.
    left: u32,
}

impl Block {
    #[target_feature(enable = "avx2,fma")]
    fn idle() -> Block {
        Block {
            x: _mm256_setzero_pd(),
            y: _mm256_setzero_pd(),
            cx: _mm256_setzero_pd(),
            count: _mm256_setzero_si256(),
            live: _mm256_setzero_pd(),
            lanes: 0,
            start: usize::MAX,
            left: 0,
        }
    }

    /// The block of pixels `start..` (at most 4, at most up to `len`).
    #[target_feature(enable = "avx2,fma")]
    fn start(start: usize, len: usize, x_min: f64, dx: f64, max: u32) -> Block {
        let lanes = (len - start).min(LANES);
        let mut cx = [0.0; LANES];
        let mut live = [0i64; LANES];
        for lane in 0..lanes {
            // Exactly the scalar path's `x_min + (px as f64) * dx`.
            cx[lane] = x_min + ((start + lane) as f64) * dx;
            live[lane] = -1;
        }
        Block {
            // SAFETY: both arrays hold 4 elements of 8 bytes; unaligned loads read exactly those.
            cx: unsafe { _mm256_loadu_pd(cx.as_ptr()) },
            // SAFETY: as above.
            live: _mm256_castsi256_pd(unsafe { _mm256_loadu_si256(live.as_ptr().cast()) }),
            lanes,
            start,
            left: max,
            ..Block::idle()
        }
    }
}

/// [`super::scalar::render_row`] on 4-lane vectors, in batches of at most [`BATCH`] steps
/// without a branch, as [`super::avx512::render_row`] does.
///
/// # Safety
/// The CPU must support every feature of [`crate::cpu::AVX2_FEATURES`].
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn render_row(
    row: &mut [u32],
    x_min: f64,
    dx: f64,
    cy: f64,
    max: u32,
    steps: &Steps,
) -> Result<(), Cancelled> {
    let four = _mm256_set1_pd(4.0);
    let cy = _mm256_set1_pd(cy);
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
        let batch = super::batch_steps(BATCH, blocks.iter().map(|b| (b.start, b.left)));
        for _ in 0..batch {
            for b in &mut blocks {
                let x2 = _mm256_mul_pd(b.x, b.x);
                let y2 = _mm256_mul_pd(b.y, b.y);
                // Lanes that take this step: live, and not `x² + y² > 4`.
                let going = _mm256_and_pd(
                    b.live,
                    _mm256_cmp_pd::<_CMP_NGT_UQ>(_mm256_add_pd(x2, y2), four),
                );
                // `going` is all ones (−1) in the lanes that step.
                b.count = _mm256_sub_epi64(b.count, _mm256_castpd_si256(going));
                b.y = _mm256_add_pd(_mm256_mul_pd(_mm256_add_pd(b.x, b.x), b.y), cy);
                b.x = _mm256_add_pd(_mm256_sub_pd(x2, y2), b.cx);
                b.live = going;
            }
        }
        for b in &mut blocks {
            if b.start == usize::MAX {
                continue;
            }
            b.left -= batch;
            if _mm256_movemask_pd(b.live) != 0 && b.left != 0 {
                continue;
            }
            let mut counts = [0i64; LANES];
            // SAFETY: `counts` holds 4 × 8 bytes.
            unsafe { _mm256_storeu_si256(counts.as_mut_ptr().cast(), b.count) };
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
        }
        spent += u64::from(batch) * (VECTORS * LANES) as u64;
        if spent >= BUDGET {
            steps.advance(pending)?;
            (spent, pending) = (0, 0);
        }
    }
    steps.advance(pending)
}
