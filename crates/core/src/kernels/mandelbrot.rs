//! `mandelbrot`: escape counts of the Mandelbrot set over a rectangular grid.
//!
//! The arithmetic is fixed operation by operation, because a TypeScript twin must produce the
//! very same counts: IEEE-754 doubles, no fused multiply-add (Rust never contracts `a * b + c`
//! on its own), no reassociation, no vectorisation across iterations. Parallelism comes from
//! rows (across threads) and from running several pixels' orbits side by side (within one).

use rayon::prelude::*;

use crate::cancel::Cancelled;
use crate::ctx::{Ctx, Steps};

/// Orbit iterations between two cancellation checks (counted as [`LANES`] per round, busy or
/// not): well under a millisecond, at one to three nanoseconds each.
const BUDGET: u64 = 1 << 18;

/// The grid and iteration cap of a [`mandelbrot`] render.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MandelbrotParams {
    /// Pixels per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// The most iterations per pixel; a pixel that never escapes gets this count.
    pub max_iterations: u32,
    /// Real part of the left edge (column 0).
    pub x_min: f64,
    /// Real part of the right edge (excluded: column `width` would sit there).
    pub x_max: f64,
    /// Imaginary part of row 0.
    pub y_min: f64,
    /// Imaginary part of the far edge (excluded, like `x_max`).
    pub y_max: f64,
}

/// The escape count of every pixel, row-major (`out[py * width + px]`).
///
/// Pixel `(px, py)` stands for `c = cx + cy·i` with `cx = x_min + px·dx`,
/// `dx = (x_max − x_min) / width` (likewise `cy`). Its count is the number of steps
/// `z ← z² + c` from `z = 0`, at most `max_iterations`, taken while `|z|² ≤ 4` before the step.
/// Exactly, in doubles evaluated in this order:
///
/// ```text
/// x2 = x * x; y2 = y * y
/// if x2 + y2 > 4.0 { stop }
/// y = (2.0 * x) * y + cy
/// x = (x2 - y2) + cx
/// ```
///
/// Rows are computed in parallel; the counts do not depend on the thread count.
///
/// Preconditions: the bounds are finite and `width × height` escape counts fit in memory
/// (the caller caps the pixel count). A width or height of 0 gives an empty vector.
/// Progress counts pixels.
pub fn mandelbrot(p: &MandelbrotParams, ctx: &Ctx) -> Result<Vec<u32>, Cancelled> {
    let pixels = u64::from(p.width) * u64::from(p.height);
    let steps = ctx.steps(pixels);
    steps.advance(0)?;
    if pixels == 0 {
        return Ok(Vec::new());
    }
    // A pixel count beyond the address space breaks the precondition; the allocation then
    // fails loudly (a panic, which the pool reports) instead of producing a short image.
    let mut out = vec![0u32; usize::try_from(pixels).unwrap_or(usize::MAX)];
    let dx = (p.x_max - p.x_min) / f64::from(p.width);
    let dy = (p.y_max - p.y_min) / f64::from(p.height);
    out.par_chunks_mut(p.width as usize)
        .enumerate()
        .try_for_each(|(py, row)| {
            let cy = p.y_min + (py as f64) * dy;
            render_row(row, p.x_min, dx, cy, p.max_iterations, &steps)
        })?;
    Ok(out)
}

/// Pixels whose orbits [`render_row`] runs side by side.
const LANES: usize = 4;

/// Fills one row. The orbits of [`LANES`] pixels advance in lockstep, one iteration each per
/// round: a single orbit is one long chain of dependent multiplications, and interleaving
/// independent ones lets the CPU overlap them. Each pixel still runs exactly the documented
/// arithmetic; a lane whose pixel is done takes the next pixel of the row. Checks in every
/// [`BUDGET`] iterations, so also within long pixels.
fn render_row(
    row: &mut [u32],
    x_min: f64,
    dx: f64,
    cy: f64,
    max: u32,
    steps: &Steps,
) -> Result<(), Cancelled> {
    let mut lanes = [Lane::IDLE; LANES];
    let mut next = 0; // the next pixel to start
    let mut live = 0; // lanes with a pixel
    let mut spent = 0u64; // iterations since the last check
    let mut pending = 0u64; // pixels finished since the last progress report
    for lane in &mut lanes {
        if next < row.len() {
            *lane = Lane::start(next, x_min + (next as f64) * dx);
            next += 1;
            live += 1;
        }
    }
    while live > 0 {
        for lane in &mut lanes {
            if lane.px == usize::MAX {
                continue;
            }
            let x2 = lane.x * lane.x;
            let y2 = lane.y * lane.y;
            if lane.i >= max || x2 + y2 > 4.0 {
                if let Some(out) = row.get_mut(lane.px) {
                    *out = lane.i;
                }
                pending += 1;
                if next < row.len() {
                    *lane = Lane::start(next, x_min + (next as f64) * dx);
                    next += 1;
                } else {
                    *lane = Lane::IDLE;
                    live -= 1;
                }
                continue;
            }
            lane.y = 2.0 * lane.x * lane.y + cy;
            lane.x = x2 - y2 + lane.cx;
            lane.i += 1;
        }
        spent += LANES as u64;
        if spent >= BUDGET {
            steps.advance(pending)?;
            (spent, pending) = (0, 0);
        }
    }
    steps.advance(pending)
}

/// One pixel's orbit: `z = x + y·i` after `i` steps, for `c = cx + cy·i`.
#[derive(Clone, Copy)]
struct Lane {
    /// The pixel's column, or `usize::MAX` for a lane without a pixel.
    px: usize,
    cx: f64,
    x: f64,
    y: f64,
    i: u32,
}

impl Lane {
    const IDLE: Lane = Lane {
        px: usize::MAX,
        cx: 0.0,
        x: 0.0,
        y: 0.0,
        i: 0,
    };

    fn start(px: usize, cx: f64) -> Lane {
        Lane {
            px,
            cx,
            ..Lane::IDLE
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::kernels::test_support::{
        cancelled_ctx, check_cancel_midway, check_progress, ctx_cancelled_after, in_pool,
    };
    use std::time::Duration;

    fn render(p: &MandelbrotParams) -> Vec<u32> {
        mandelbrot(p, &Ctx::default()).expect("not cancelled")
    }

    /// The specification, transcribed as plainly as possible.
    fn reference(p: &MandelbrotParams) -> Vec<u32> {
        let mut out = Vec::new();
        let dx = (p.x_max - p.x_min) / (p.width as f64);
        let dy = (p.y_max - p.y_min) / (p.height as f64);
        for py in 0..p.height {
            for px in 0..p.width {
                let cx = p.x_min + (px as f64) * dx;
                let cy = p.y_min + (py as f64) * dy;
                let (mut x, mut y, mut i) = (0.0f64, 0.0f64, 0u32);
                while i < p.max_iterations {
                    let x2 = x * x;
                    let y2 = y * y;
                    if x2 + y2 > 4.0 {
                        break;
                    }
                    y = 2.0 * x * y + cy;
                    x = x2 - y2 + cx;
                    i += 1;
                }
                out.push(i);
            }
        }
        out
    }

    fn params(width: u32, height: u32, max_iterations: u32) -> MandelbrotParams {
        MandelbrotParams {
            width,
            height,
            max_iterations,
            x_min: -2.0,
            x_max: 1.0,
            y_min: -1.25,
            y_max: 1.25,
        }
    }

    #[test]
    fn known_pixels() {
        // A 4×4 grid over [-2, 2)²: dx = dy = 1, so pixel (px, py) is c = (px − 2, py − 2).
        let p = MandelbrotParams {
            width: 4,
            height: 4,
            max_iterations: 50,
            x_min: -2.0,
            x_max: 2.0,
            y_min: -2.0,
            y_max: 2.0,
        };
        let out = render(&p);
        let at = |x: i32, y: i32| out[((y + 2) * 4 + (x + 2)) as usize];
        assert_eq!(at(0, 0), 50, "c = 0 never escapes");
        assert_eq!(at(-1, 0), 50, "c = -1 cycles 0, -1, 0, …");
        // c = -2: 0, -2, 2, 2, … and |z|² = 4 is not > 4, so it never escapes.
        assert_eq!(at(-2, 0), 50);
        // c = 1: z = 0, 1, 2, 5; |5|² > 4 stops it after 3 steps.
        assert_eq!(at(1, 0), 3);
        // c = 1 + i: z = 0, 1 + i, 1 + 3i; |1 + 3i|² = 10 stops it after 2 steps.
        assert_eq!(at(1, 1), 2);
        // c = -2 - 2i: z = 0, then -2 - 2i with |z|² = 8 after 1 step.
        assert_eq!(at(-2, -2), 1);
        assert_eq!(out, reference(&p));
    }

    #[test]
    fn zero_iterations_and_empty_grids() {
        assert_eq!(render(&params(3, 2, 0)), vec![0; 6]);
        assert!(render(&params(0, 5, 10)).is_empty());
        assert!(render(&params(5, 0, 10)).is_empty());
        assert!(render(&params(0, 0, 10)).is_empty());
    }

    #[test]
    fn matches_the_reference() {
        for p in [
            params(1, 1, 100),
            params(7, 3, 1000),
            params(97, 61, 300),
            MandelbrotParams {
                // A deep zoom near the boundary, where rounding matters most.
                width: 64,
                height: 48,
                max_iterations: 5000,
                x_min: -0.743_643_887_037_151,
                x_max: -0.743_643_887_037_151 + 1e-9,
                y_min: 0.131_825_904_205_33,
                y_max: 0.131_825_904_205_33 + 7.5e-10,
            },
        ] {
            assert_eq!(render(&p), reference(&p), "{p:?}");
        }
    }

    #[test]
    fn long_pixels_split_across_budgets() {
        // Every pixel inside the set runs past several budgets: the orbit must resume exactly.
        let p = MandelbrotParams {
            width: 3,
            height: 2,
            max_iterations: 3 * BUDGET as u32 + 17,
            x_min: -0.3,
            x_max: 0.3,
            y_min: -0.2,
            y_max: 0.2,
        };
        let out = render(&p);
        assert_eq!(out, vec![p.max_iterations; 6]);
        assert_eq!(out, reference(&p));
    }

    #[test]
    fn same_result_under_any_pool_size() {
        let p = params(200, 150, 500);
        let expected = reference(&p);
        for threads in [1, 3] {
            assert_eq!(
                in_pool(threads, || render(&p)),
                expected,
                "{threads} threads"
            );
        }
    }

    #[test]
    fn a_cancelled_context_stops_it() {
        let p = params(1000, 1000, 1_000_000);
        assert_eq!(mandelbrot(&p, &cancelled_ctx()), Err(Cancelled));
        // One pixel that never escapes and would run for seconds.
        let p = MandelbrotParams {
            width: 1,
            height: 1,
            max_iterations: u32::MAX,
            x_min: 0.0,
            x_max: 1.0,
            y_min: 0.0,
            y_max: 1.0,
        };
        let ctx = ctx_cancelled_after(Duration::from_millis(20));
        assert_eq!(mandelbrot(&p, &ctx), Err(Cancelled));
        check_cancel_midway(|ctx, scale| {
            let side = (scale as f64).sqrt();
            let p = params((640.0 * side) as u32, (480.0 * side) as u32, 1000);
            mandelbrot(&p, ctx).map(drop)
        });
    }

    #[test]
    fn reports_progress() {
        check_progress(|ctx, scale| {
            let side = (scale as f64).sqrt();
            let p = params((640.0 * side) as u32, (480.0 * side) as u32, 1000);
            mandelbrot(&p, ctx).map(drop)
        });
    }
}
