//! The portable path: plain `f64` arithmetic, a few orbits interleaved so the CPU can overlap
//! their dependent chains. The reference the vector paths are tested against.

use super::BUDGET;
use crate::cancel::Cancelled;
use crate::ctx::Steps;

/// Pixels whose orbits [`render_row`] runs side by side.
const LANES: usize = 4;

/// Fills one row. The orbits of [`LANES`] pixels advance in lockstep, one iteration each per
/// round: a single orbit is one long chain of dependent multiplications, and interleaving
/// independent ones lets the CPU overlap them. Each pixel still runs exactly the documented
/// arithmetic; a lane whose pixel is done takes the next pixel of the row. Checks in every
/// [`BUDGET`] iterations, so also within long pixels.
pub(super) fn render_row(
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
