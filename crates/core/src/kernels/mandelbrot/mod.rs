//! `mandelbrot`: escape counts of the Mandelbrot set over a rectangular grid.
//!
//! The arithmetic is fixed operation by operation, because a TypeScript twin must produce the
//! very same counts: IEEE-754 doubles, no fused multiply-add (Rust never contracts `a * b + c`
//! on its own), no reassociation, no vectorisation across iterations. Parallelism comes from
//! rows (across threads) and from running several pixels' orbits side by side (within one).
//!
//! Each row goes to the fastest path the job's [`Ctx::cpu`] allows: [`scalar`] (the portable
//! twin every other path is tested against), [`avx2`] (4 pixels per vector), [`avx512`] (8) or
//! [`neon`] (2). The vector paths give each pixel a lane and keep several vectors in flight, so
//! the CPU overlaps their dependent chains; each lane runs exactly the scalar arithmetic, lane-wise
//! IEEE multiplies and adds, never an FMA, so every path gives the same counts.

use rayon::prelude::*;

use crate::cancel::Cancelled;
use crate::cpu::CpuPath;
use crate::ctx::{Ctx, Steps};

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "aarch64")]
mod neon;
mod scalar;

/// Orbit iterations between two cancellation checks (counted per lane and round, busy or
/// not): well under a millisecond, at a fraction of a nanosecond to three nanoseconds each.
const BUDGET: u64 = 1 << 18;

/// Steps the vector paths take before looking at their blocks again: as many as every busy
/// block (`start != usize::MAX`) may still take (`left`), at most `batch`.
#[cfg(target_arch = "x86_64")]
fn batch_steps(batch: u32, blocks: impl Iterator<Item = (usize, u32)>) -> u32 {
    blocks
        .filter(|&(start, _)| start != usize::MAX)
        .fold(batch, |steps, (_, left)| steps.min(left))
}

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
    let mut out = crate::output::zeroed::<u32>(usize::try_from(pixels).unwrap_or(usize::MAX));
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

/// Fills one row (pixel `px` is `c = (x_min + px·dx) + cy·i`) on the job's CPU path, checking
/// in with `steps` about every [`BUDGET`] iterations; progress counts finished pixels.
fn render_row(
    row: &mut [u32],
    x_min: f64,
    dx: f64,
    cy: f64,
    max: u32,
    steps: &Steps,
) -> Result<(), Cancelled> {
    match steps.ctx().cpu() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a context's path is always one this CPU supports (`Ctx::with_cpu` and
        // `cpu::active` guarantee it), and `Avx512` implies every feature `avx512` enables.
        CpuPath::Avx512 => unsafe { avx512::render_row(row, x_min, dx, cy, max, steps) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above; `Avx2` implies AVX2 and FMA.
        CpuPath::Avx2 => unsafe { avx2::render_row(row, x_min, dx, cy, max, steps) },
        #[cfg(target_arch = "aarch64")]
        // SAFETY: as above; `Neon` is only supported where NEON is.
        CpuPath::Neon => unsafe { neon::render_row(row, x_min, dx, cy, max, steps) },
        _ => scalar::render_row(row, x_min, dx, cy, max, steps),
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

    /// Grids where the vector paths' edges show: widths around every lane count and vector
    /// group (tails), caps of 0, 1, 2 and thousands, off-centre and deep windows, and a window
    /// so wide that `dx` is infinite (column 0's `cx` is then NaN, which never escapes).
    fn edge_grids() -> Vec<MandelbrotParams> {
        let mut grids = Vec::new();
        for width in (1..=41).chain([63, 64, 65, 97, 127, 129]) {
            for max_iterations in [0, 1, 2, 7, 300] {
                grids.push(MandelbrotParams {
                    width,
                    height: 3,
                    max_iterations,
                    x_min: -2.1,
                    x_max: 0.9,
                    y_min: -1.2,
                    y_max: 1.3,
                });
            }
        }
        grids.extend([
            params(200, 150, 1000),
            MandelbrotParams {
                // Off centre, along the boundary of the main cardioid.
                width: 133,
                height: 37,
                max_iterations: 4000,
                x_min: 0.25,
                x_max: 0.30,
                y_min: -0.01,
                y_max: 0.03,
            },
            MandelbrotParams {
                // A deep zoom near the boundary, where rounding matters most.
                width: 77,
                height: 21,
                max_iterations: 20_000,
                x_min: -0.743_643_887_037_151,
                x_max: -0.743_643_887_037_151 + 1e-11,
                y_min: 0.131_825_904_205_33,
                y_max: 0.131_825_904_205_33 + 7.5e-12,
            },
            MandelbrotParams {
                // Far outside: every pixel escapes after one step.
                width: 19,
                height: 5,
                max_iterations: 100,
                x_min: 10.0,
                x_max: 1e6,
                y_min: -1e6,
                y_max: 1e6,
            },
            MandelbrotParams {
                width: 11,
                height: 3,
                max_iterations: 50,
                x_min: -1e308,
                x_max: 1e308,
                y_min: -1.0,
                y_max: 1.0,
            },
        ]);
        grids
    }

    #[test]
    fn every_cpu_path_matches_the_scalar_twin_bit_for_bit() {
        let paths = crate::cpu::supported();
        for p in edge_grids() {
            let expected = reference(&p);
            for &path in &paths {
                let ctx = Ctx::default().with_cpu(path);
                let got = mandelbrot(&p, &ctx).expect("not cancelled");
                assert_eq!(got, expected, "{path} path, {p:?}");
            }
        }
        // The NaN column really is the never-escaping one.
        let wide = edge_grids().pop().expect("grids");
        assert_eq!(reference(&wide)[0], wide.max_iterations);
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
        for path in crate::cpu::supported() {
            let out = mandelbrot(&p, &Ctx::default().with_cpu(path)).expect("not cancelled");
            assert_eq!(out, vec![p.max_iterations; 6], "{path}");
        }
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
        for path in crate::cpu::supported() {
            let ctx = ctx_cancelled_after(Duration::from_millis(20)).with_cpu(path);
            assert_eq!(mandelbrot(&p, &ctx), Err(Cancelled), "{path}");
        }
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
