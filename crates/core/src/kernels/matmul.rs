//! `matmul`: the product of two square row-major matrices of doubles.
//!
//! A TypeScript twin must produce the very same bits, so every element is summed in one fixed
//! order: `c[i][j] = (…((0.0 + a[i][0]·b[0][j]) + a[i][1]·b[1][j]) + …) + a[i][n−1]·b[n−1][j]`,
//! each product rounded before it is added (Rust never fuses `a * b + c` into an FMA unless
//! asked to). The loops run i-k-j and in tiles for the caches, which changes the order in
//! which *different* elements are updated but never the ascending-k order within one. Inside a
//! tile, 4×4 blocks of C are accumulated in registers over a run of k (so every value loaded
//! from B serves four rows), still one rounded product and one rounded sum at a time.

use rayon::prelude::*;

use crate::cancel::Cancelled;
use crate::ctx::{Ctx, Steps};

/// Columns per tile: a tile row of B and of C is 2 KiB.
const J_TILE: usize = 256;

/// Rows of B per tile: a 128×256 tile of B is 256 KiB, which stays in the L2 cache while
/// every row of a row block passes over it.
const K_TILE: usize = 128;

/// The most rows of C one task computes. Larger blocks read B from memory fewer times (once
/// per block); a full block's tile, 64·128·256 multiply-adds, is still well under a
/// millisecond of work between two [`Steps::advance`] calls, and its 64×256 tile of C
/// (128 KiB) stays in L2.
const MAX_ROW_BLOCK: usize = 64;

/// The product `a·b` of two `n×n` row-major matrices, row-major.
///
/// Element `(i, j)` is accumulated from `+0.0` over ascending `k`, one rounded product and
/// one rounded addition at a time (see the module documentation), so it is bit-identical to
/// the naive triple loop whatever the thread count. Rows are computed in parallel.
///
/// Preconditions: `a.len() == b.len() == n * n` (so `n * n` does not overflow). Otherwise it
/// panics. Progress counts multiply-adds.
pub fn matmul(a: &[f64], b: &[f64], n: usize, ctx: &Ctx) -> Result<Vec<f64>, Cancelled> {
    let n64 = n as u64;
    let steps = ctx.steps(n64.saturating_mul(n64).saturating_mul(n64));
    steps.advance(0)?;
    let cells = n.saturating_mul(n);
    assert!(
        a.len() == cells && b.len() == cells,
        "matmul needs two {n}×{n} matrices, got {} and {} elements",
        a.len(),
        b.len()
    );
    if n == 0 {
        return Ok(Vec::new());
    }
    let mut c = vec![0.0; cells];
    // Enough blocks for every thread to get several; the split never changes the result.
    let rows = n
        .div_ceil(4 * rayon::current_num_threads())
        .clamp(1, MAX_ROW_BLOCK);
    c.par_chunks_mut(rows * n)
        .zip(a.par_chunks(rows * n))
        .try_for_each(|(c_block, a_block)| multiply_block(a_block, b, c_block, n, &steps))?;
    Ok(c)
}

/// Adds `a_block·b` into `c_block`, where both blocks hold whole rows (`n` each).
fn multiply_block(
    a_block: &[f64],
    b: &[f64],
    c_block: &mut [f64],
    n: usize,
    steps: &Steps,
) -> Result<(), Cancelled> {
    let rows = c_block.len() / n;
    // Rows go four at a time through the register-tiled kernel, the last few one by one.
    let quads = rows / 4 * 4 * n;
    for j0 in (0..n).step_by(J_TILE) {
        let j1 = n.min(j0 + J_TILE);
        // k0 ascends in the outer loop and k in the inner ones: each element of C sees its
        // products in ascending k.
        for k0 in (0..n).step_by(K_TILE) {
            let tile = Tile {
                b,
                n,
                j: j0..j1,
                k: k0..n.min(k0 + K_TILE),
            };
            let (c_quads, c_rest) = c_block.split_at_mut(quads);
            let (a_quads, a_rest) = a_block.split_at(quads);
            for (c4, a4) in c_quads
                .chunks_exact_mut(4 * n)
                .zip(a_quads.chunks_exact(4 * n))
            {
                tile.four_rows(c4, a4);
            }
            for (c_row, a_row) in c_rest.chunks_exact_mut(n).zip(a_rest.chunks_exact(n)) {
                tile.row(c_row, a_row, tile.j.clone());
            }
            steps.advance((rows * tile.k.len() * tile.j.len()) as u64)?;
        }
    }
    Ok(())
}

/// The columns `j` and the rows `k` of `b` (n×n) that one step of [`multiply_block`] uses.
struct Tile<'a> {
    b: &'a [f64],
    n: usize,
    j: std::ops::Range<usize>,
    k: std::ops::Range<usize>,
}

impl Tile<'_> {
    /// `c[j] += a[k]·b[k][j]` over the tile, for one row `c` of C and its row `a` of A,
    /// restricted to the columns `cols` of the tile.
    fn row(&self, c: &mut [f64], a: &[f64], cols: std::ops::Range<usize>) {
        let c = &mut c[cols.clone()];
        for (k, &aik) in a.iter().enumerate().take(self.k.end).skip(self.k.start) {
            let b = &self.b[k * self.n + cols.start..k * self.n + cols.end];
            for (cij, &bkj) in c.iter_mut().zip(b) {
                // Two roundings, never one: this must not become mul_add.
                *cij += aik * bkj;
            }
        }
    }

    /// The same for four consecutive rows (`c4` and `a4` hold four rows each): 4×4 blocks
    /// of C stay in registers for the whole of `k`, so each loaded value of B serves four
    /// rows. Every element still takes its products one at a time in ascending k.
    fn four_rows(&self, c4: &mut [f64], a4: &[f64]) {
        let n = self.n;
        let (c0, rest) = c4.split_at_mut(n);
        let (c1, rest) = rest.split_at_mut(n);
        let (c2, c3) = rest.split_at_mut(n);
        let mut c = [c0, c1, c2, c3];
        let a: [&[f64]; 4] = [0, 1, 2, 3].map(|r| &a4[r * n + self.k.start..r * n + self.k.end]);
        let b_rows = &self.b[self.k.start * n..self.k.end * n];
        let mut j = self.j.start;
        while j + 4 <= self.j.end {
            let mut acc = [[0.0; 4]; 4];
            for (acc_row, c_row) in acc.iter_mut().zip(c.iter()) {
                acc_row.copy_from_slice(&c_row[j..j + 4]);
            }
            for (k, b_row) in b_rows.chunks_exact(n).enumerate() {
                let Some(bk) = b_row[j..].first_chunk::<4>() else {
                    break;
                };
                for (acc_row, a_row) in acc.iter_mut().zip(a) {
                    let aik = a_row[k];
                    for (cij, &bkj) in acc_row.iter_mut().zip(bk) {
                        *cij += aik * bkj;
                    }
                }
            }
            for (acc_row, c_row) in acc.iter().zip(c.iter_mut()) {
                c_row[j..j + 4].copy_from_slice(acc_row);
            }
            j += 4;
        }
        // The last columns, fewer than four, row by row.
        for (r, c_row) in c.iter_mut().enumerate() {
            self.row(c_row, &a4[r * n..(r + 1) * n], j..self.j.end);
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::kernels::test_support::{
        cancelled_ctx, check_cancel_midway, check_progress, in_pool,
    };

    fn product(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
        matmul(a, b, n, &Ctx::default()).expect("not cancelled")
    }

    /// The specification: i-j-k, one accumulator per element from +0.0, ascending k.
    fn reference(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
        let mut c = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                let mut sum = 0.0;
                for k in 0..n {
                    sum += a[i * n + k] * b[k * n + j];
                }
                c[i * n + j] = sum;
            }
        }
        c
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// Values of mixed signs and magnitudes (so rounding depends on the order), with some
    /// exact zeros of both signs, from a xorshift generator.
    fn matrix(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed | 1;
        (0..n * n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                match s % 16 {
                    0 => 0.0,
                    1 => -0.0,
                    r => {
                        let unit = (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
                        unit * 10f64.powi((r % 7) as i32 - 3)
                    }
                }
            })
            .collect()
    }

    #[test]
    fn small_known_products() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [5.0, 6.0, 7.0, 8.0];
        assert_eq!(product(&a, &b, 2), [19.0, 22.0, 43.0, 50.0]);
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
        let b = [9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0];
        let want = [30.0, 24.0, 18.0, 84.0, 69.0, 54.0, 138.0, 114.0, 90.0];
        assert_eq!(product(&a, &b, 3), want);
        assert_eq!(product(&[-3.5], &[2.0], 1), [-7.0]);
    }

    #[test]
    fn identity_and_empty() {
        let n = 5;
        let id: Vec<f64> = (0..n * n)
            .map(|i| if i / n == i % n { 1.0 } else { 0.0 })
            .collect();
        let m = matrix(n, 7);
        // x·1 = x exactly, and adding +0.0 products turns -0.0 into +0.0.
        let plus_zeroed: Vec<f64> = m.iter().map(|&x| x + 0.0).collect();
        assert_eq!(bits(&product(&m, &id, n)), bits(&plus_zeroed));
        assert_eq!(bits(&product(&id, &m, n)), bits(&plus_zeroed));
        assert!(product(&[], &[], 0).is_empty());
    }

    #[test]
    fn sums_start_from_positive_zero() {
        // (-0.0)·1 = -0.0, and +0.0 + -0.0 = +0.0: the accumulator must start at +0.0.
        assert_eq!(product(&[-0.0], &[1.0], 1)[0].to_bits(), 0.0f64.to_bits());
    }

    #[test]
    fn matches_the_naive_loop_bit_for_bit() {
        // Sizes around the tile edges, where partial tiles and row blocks meet.
        for n in [2, 3, 17, K_TILE - 1, K_TILE + 1, J_TILE + 3] {
            let (a, b) = (matrix(n, n as u64), matrix(n, 1000 + n as u64));
            assert_eq!(
                bits(&product(&a, &b, n)),
                bits(&reference(&a, &b, n)),
                "n = {n}"
            );
        }
    }

    #[test]
    fn same_result_under_any_pool_size() {
        let n = 150;
        let (a, b) = (matrix(n, 1), matrix(n, 2));
        let expected = bits(&reference(&a, &b, n));
        for threads in [1, 3] {
            assert_eq!(bits(&in_pool(threads, || product(&a, &b, n))), expected);
        }
    }

    #[test]
    fn a_cancelled_context_stops_it() {
        let n = 1000;
        let (a, b) = (matrix(n, 1), matrix(n, 2));
        assert_eq!(matmul(&a, &b, n, &cancelled_ctx()), Err(Cancelled));
        check_cancel_midway(|ctx, scale| {
            let n = (400.0 * (scale as f64).cbrt()) as usize;
            let (a, b) = (matrix(n, 3), matrix(n, 4));
            matmul(&a, &b, n, ctx).map(drop)
        });
    }

    #[test]
    fn reports_progress() {
        check_progress(|ctx, scale| {
            let n = (400.0 * (scale as f64).cbrt()) as usize;
            let (a, b) = (matrix(n, 3), matrix(n, 4));
            matmul(&a, &b, n, ctx).map(drop)
        });
    }
}
