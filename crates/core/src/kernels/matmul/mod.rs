//! `matmul`: the product of two square row-major matrices of doubles.
//!
//! In the default [`Precision::Exact`] mode a TypeScript twin must produce the very same bits,
//! so every element is summed in one fixed order:
//! `c[i][j] = (…((0.0 + a[i][0]·b[0][j]) + a[i][1]·b[1][j]) + …) + a[i][n−1]·b[n−1][j]`, each
//! product rounded before it is added (never a fused multiply-add).
//!
//! The work is organised as in GotoBLAS/BLIS, which changes when each element is updated but
//! never the order of one element's operations: B is packed into panels [`Kernel::nr`] columns
//! wide (k-major, zero-padded past the last column), A into panels of [`Kernel::mr`] rows, and a
//! micro-kernel keeps an `mr × nr` block of C in vector registers while it runs through k in
//! ascending order, one lane per column: `acc = acc + a[i][k]·b[k][j]` lane-wise, a rounded
//! multiply then a rounded add, so each lane does exactly the scalar sequence. Long sums are cut
//! into blocks of [`KC`] values of k, each continuing from the partial sums the previous one
//! stored in C: storing and reloading a double changes nothing.
//!
//! Micro-kernels per CPU path: [`scalar`] (portable Rust, 4×4; the twin the others are tested
//! against), [`avx2`] (6×8), [`avx512`] (6×32) and [`neon`] (6×8). [`Precision::Fast`] uses the
//! same blocks with fused multiply-adds on the paths that have them (AVX2, AVX-512, NEON); see
//! [`Precision::Fast`] for its error bound.

use rayon::prelude::*;

use crate::cancel::Cancelled;
use crate::cpu::CpuPath;
use crate::ctx::{Ctx, Steps};
use crate::spare;

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "aarch64")]
mod neon;
mod scalar;

/// How a [`matmul`] may round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// Bit-identical to the naive loop: each element summed from `+0.0` in ascending k, one
    /// rounded product and one rounded sum at a time, on every CPU path and thread count.
    #[default]
    Exact,
    /// Fused multiply-adds where the CPU has them (still ascending k, still independent of the
    /// thread count). Each element then differs from the exact one by at most
    /// `n·ε·Σₖ|a[i][k]·b[k][j]| / (1 − n·ε/2)`, with `ε = 2⁻⁵²`: both are within
    /// `γₙ·Σₖ|a[i][k]·b[k][j]|` of the true sum, `γₙ = n·u/(1 − n·u)`, `u = ε/2` (Higham,
    /// *Accuracy and Stability of Numerical Algorithms*, §3.5; an FMA rounds once where a
    /// multiply and an add round twice, which only shrinks that error). This holds while no
    /// product or partial sum overflows or falls below `2⁻¹⁰²²` (subnormal results add up to
    /// `n·2⁻¹⁰⁷⁴` more); NaN and infinity arise from the same inputs as in exact mode, except
    /// where an FMA's single rounding keeps a sum finite that exact mode lets overflow.
    Fast,
}

/// A micro-kernel: `acc = (accumulate ? c : +0.0)`, then for each `k` in `0..kc`, in order,
/// `acc[r][j] = acc[r][j] + a[k·mr + r] · b[k·nr + j]` (fused in the fast kernels), then
/// `c[r·ldc + j] = acc[r][j]`, for `r < mr`, `j < nr`.
///
/// # Safety
/// `a` holds `kc·mr` doubles, `b` holds `kc·nr`, and `c[r·ldc + j]` is valid for every
/// `r < mr`, `j < nr`; the CPU has the features the kernel was compiled for.
type MicroKernel =
    unsafe fn(kc: usize, a: *const f64, b: *const f64, c: *mut f64, ldc: usize, accumulate: bool);

/// A micro-kernel and its block shape.
#[derive(Clone, Copy)]
struct Kernel {
    /// Rows of C per block (and of an A panel).
    mr: usize,
    /// Columns of C per block (and of a B panel).
    nr: usize,
    run: MicroKernel,
}

impl Kernel {
    /// The kernel for `path` and `precision`.
    fn pick(path: CpuPath, precision: Precision) -> Kernel {
        let fast = precision == Precision::Fast;
        match path {
            #[cfg(target_arch = "x86_64")]
            CpuPath::Avx512 => Kernel {
                mr: avx512::MR,
                nr: avx512::NR,
                run: if fast { avx512::fused } else { avx512::exact },
            },
            #[cfg(target_arch = "x86_64")]
            CpuPath::Avx2 => Kernel {
                mr: avx2::MR,
                nr: avx2::NR,
                run: if fast { avx2::fused } else { avx2::exact },
            },
            #[cfg(target_arch = "aarch64")]
            CpuPath::Neon => Kernel {
                mr: neon::MR,
                nr: neon::NR,
                run: if fast { neon::fused } else { neon::exact },
            },
            // The baseline has no FMA instruction (`f64::mul_add` would be a slow library
            // call), so its fast mode is exact.
            _ => Kernel {
                mr: scalar::MR,
                nr: scalar::NR,
                run: scalar::exact,
            },
        }
    }
}

/// The most values of k one call of a micro-kernel covers: longer sums are continued from C.
/// The B panel a call streams (`KC·nr` doubles: 32 KiB on the AVX-512 path) then stays in L1
/// while every A panel of a task passes under it. Measured at 352² on the AVX-512 path (one
/// thread, interleaved runs, 10th-percentile time): 128 ran at least as fast as 96, 192 and 256
/// (exact 26.6 GFLOP/s against 26.0, 22.5 and 21.6 in the quietest round).
const KC: usize = 128;

/// The most doubles of packed B in one block (1.25 MiB): it stays in a core's L2 cache while
/// every task's rows pass over it. Up to 392² (AVX-512 panels) the whole of B is one block, so
/// each task runs through all of k on its own and the threads meet once per call.
const B_BLOCK: usize = 160 * 1024;

/// A cache line, in bytes and in doubles.
const LINE_BYTES: usize = 64;
const LINE_DOUBLES: usize = LINE_BYTES / std::mem::size_of::<f64>();

/// Multiply-adds between two [`Steps::advance`] calls, about 20–40 µs of work.
const ADVANCE_EVERY: u64 = 1 << 20;

/// The product `a·b` of two `n×n` row-major matrices, row-major.
///
/// With [`Precision::Exact`], element `(i, j)` is accumulated from `+0.0` over ascending `k`,
/// one rounded product and one rounded addition at a time (see the module documentation), so
/// it is bit-identical to the naive triple loop whatever the CPU path and thread count. With
/// [`Precision::Fast`], within the bound documented there. Blocks of rows are computed in
/// parallel.
///
/// Preconditions: `a.len() == b.len() == n * n` (so `n * n` does not overflow). Otherwise it
/// panics. Progress counts multiply-adds.
pub fn matmul(
    a: &[f64],
    b: &[f64],
    n: usize,
    precision: Precision,
    ctx: &Ctx,
) -> Result<Vec<f64>, Cancelled> {
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
    let kernel = Kernel::pick(ctx.cpu(), precision);
    let mut c = crate::output::zeroed::<f64>(cells);
    let padded = n.next_multiple_of(kernel.nr);
    // Values of k per block of B: all of them when the whole of B fits B_BLOCK, else KC·2.
    let kb_max = if n * padded <= B_BLOCK {
        n
    } else {
        n.min(2 * KC)
    };
    // Columns per block of B: a multiple of nr, as many as fit B_BLOCK (at least one panel).
    let nc_max = (B_BLOCK / kb_max / kernel.nr).max(1) * kernel.nr;
    // On a cache-line boundary: each row of a panel is then whole lines, and the micro-kernels'
    // vector loads of B never straddle two (a large Vec comes from mmap 16 bytes past a page
    // boundary, which split every AVX-512 load and halved the speed).
    // A spare buffer, its pages already mapped by an earlier call (see `crate::spare`): fresh
    // ones cost a page fault per 4 KiB, per call. Not cleared: pack_b writes every value the
    // micro-kernels read, zero padding included.
    let store_len = kb_max * nc_max.min(padded) + LINE_DOUBLES;
    let mut b_store = spare::FLOATS.take_scratch(store_len);
    let offset = b_store.as_ptr().align_offset(LINE_BYTES).min(LINE_DOUBLES);
    let packed_b = &mut b_store[offset..];
    // Row panels per task: enough tasks for every thread to get several, so work stealing
    // evens out the last ones, and as equal as whole panels allow (a task one panel short of
    // the others, not one ending with a sliver). The split never changes the result.
    let panels = n.div_ceil(kernel.mr);
    let tasks = (4 * rayon::current_num_threads()).min(panels);
    for j0 in (0..n).step_by(nc_max) {
        let nc = nc_max.min(n - j0);
        for k0 in (0..n).step_by(kb_max) {
            let kb = kb_max.min(n - k0);
            let packed_b = &mut packed_b[..kb * nc.next_multiple_of(kernel.nr)];
            pack_b(b, n, k0, kb, j0, nc, kernel.nr, packed_b);
            let block = Block {
                packed_b,
                n,
                j0,
                nc,
                k0,
                kb,
                kernel,
            };
            row_tasks(&mut c, a, n, kernel.mr, panels, tasks)
                .into_par_iter()
                .try_for_each(|(c_rows, a_rows)| block.rows(a_rows, c_rows, &steps))?;
        }
    }
    Ok(c)
}

/// `c` and `a` cut into `tasks` pairs of the same whole rows, each a run of row panels (`mr`
/// rows; the last may be short), the runs as equal as whole panels allow.
fn row_tasks<'c, 'a>(
    mut c: &'c mut [f64],
    mut a: &'a [f64],
    n: usize,
    mr: usize,
    panels: usize,
    tasks: usize,
) -> Vec<(&'c mut [f64], &'a [f64])> {
    let mut out = Vec::with_capacity(tasks);
    let mut done = 0;
    for t in 1..=tasks {
        let end = panels * t / tasks;
        let len = ((end * mr).min(n) - (done * mr).min(n)) * n;
        let (c_rows, c_rest) = std::mem::take(&mut c).split_at_mut(len);
        let (a_rows, a_rest) = a.split_at(len);
        out.push((c_rows, a_rows));
        (c, a, done) = (c_rest, a_rest, end);
    }
    out
}

/// Packs `b[k0..k0 + kb][j0..j0 + nc]` into panels of `nr` columns, each k-major
/// (`panel[k·nr + j]`), zero-padding the last panel's missing columns. Panels are packed in
/// parallel.
#[allow(clippy::too_many_arguments)]
fn pack_b(
    b: &[f64],
    n: usize,
    k0: usize,
    kb: usize,
    j0: usize,
    nc: usize,
    nr: usize,
    out: &mut [f64],
) {
    out.par_chunks_mut(kb * nr)
        .enumerate()
        .for_each(|(p, panel)| {
            let j = j0 + p * nr;
            let width = nr.min(j0 + nc - j);
            for (k, dst) in panel.chunks_exact_mut(nr).enumerate() {
                let src = &b[(k0 + k) * n + j..][..width];
                dst[..width].copy_from_slice(src);
                dst[width..].fill(0.0);
            }
        });
}

/// Packs `kc` values of k from each of `height ≤ mr` rows (`rows[r·n..]`, from column `k0`)
/// into `panel`, k-major (`panel[k·mr + r]`), zero-filling rows past `height`.
fn pack_a(
    rows: &[f64],
    n: usize,
    k0: usize,
    kc: usize,
    height: usize,
    mr: usize,
    panel: &mut [f64],
) {
    for r in 0..mr {
        if r < height {
            let row = &rows[r * n + k0..][..kc];
            for (dst, &x) in panel.chunks_exact_mut(mr).zip(row) {
                dst[r] = x;
            }
        } else {
            for dst in panel.chunks_exact_mut(mr) {
                dst[r] = 0.0;
            }
        }
    }
}

/// One block of the product: columns `j0..j0 + nc` of C, continued over `k0..k0 + kb`, with
/// that part of B packed.
struct Block<'a> {
    packed_b: &'a [f64],
    n: usize,
    j0: usize,
    nc: usize,
    k0: usize,
    kb: usize,
    kernel: Kernel,
}

impl Block<'_> {
    /// Adds this block's products into the whole rows `c_rows` (`a_rows` are the same rows of
    /// A): for each run of [`KC`] values of k, all its A panels are packed, then each B panel
    /// in turn stays in L1 while the micro-kernel runs it against every A panel.
    fn rows(&self, a_rows: &[f64], c_rows: &mut [f64], steps: &Steps) -> Result<(), Cancelled> {
        let Kernel { mr, nr, run } = self.kernel;
        let (n, kb) = (self.n, self.kb);
        let rows = c_rows.len() / n;
        let panels = rows.div_ceil(mr);
        let mut packed_a = vec![0.0; panels * kb.min(KC) * mr];
        // A full-size block of C for the edges: the kernel always writes mr × nr values.
        let mut edge = [0.0; 6 * 32];
        debug_assert!(mr * nr <= edge.len());
        let mut work = 0u64;
        for ks in (0..kb).step_by(KC) {
            let kc = KC.min(kb - ks);
            let k0 = self.k0 + ks;
            let accumulate = k0 > 0;
            let packed_a = &mut packed_a[..panels * kc * mr];
            for (q, panel) in packed_a.chunks_exact_mut(kc * mr).enumerate() {
                let r0 = q * mr;
                pack_a(&a_rows[r0 * n..], n, k0, kc, mr.min(rows - r0), mr, panel);
            }
            let b_panels = self.packed_b.chunks_exact(kb * nr);
            for (p, b_panel) in b_panels.enumerate() {
                let b_panel = &b_panel[ks * nr..][..kc * nr];
                let j = self.j0 + p * nr;
                let width = nr.min(self.j0 + self.nc - j);
                for (q, a_panel) in packed_a.chunks_exact(kc * mr).enumerate() {
                    let r0 = q * mr;
                    let height = mr.min(rows - r0);
                    if height == mr && width == nr {
                        let at = r0 * n + j;
                        debug_assert!(at + (mr - 1) * n + nr <= c_rows.len());
                        // SAFETY: a_panel holds kc·mr doubles and b_panel kc·nr; rows
                        // r0..r0 + mr and columns j..j + nr lie inside c_rows (whole rows of
                        // n); the kernel was picked from the job's CPU path, which the CPU
                        // supports.
                        unsafe {
                            run(
                                kc,
                                a_panel.as_ptr(),
                                b_panel.as_ptr(),
                                c_rows.as_mut_ptr().add(at),
                                n,
                                accumulate,
                            );
                        }
                    } else {
                        for r in 0..height {
                            let at = (r0 + r) * n + j;
                            edge[r * nr..r * nr + width].copy_from_slice(&c_rows[at..at + width]);
                        }
                        // SAFETY: as above, with `edge` (mr·nr ≤ its length) as C and ldc = nr.
                        unsafe {
                            run(
                                kc,
                                a_panel.as_ptr(),
                                b_panel.as_ptr(),
                                edge.as_mut_ptr(),
                                nr,
                                accumulate,
                            );
                        }
                        for r in 0..height {
                            let at = (r0 + r) * n + j;
                            c_rows[at..at + width].copy_from_slice(&edge[r * nr..r * nr + width]);
                        }
                    }
                    work += (height * width * kc) as u64;
                    if work >= ADVANCE_EVERY {
                        steps.advance(work)?;
                        work = 0;
                    }
                }
            }
        }
        steps.advance(work)
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::kernels::test_support::{
        cancelled_ctx, check_cancel_midway, check_progress, in_pool,
    };

    /// Whether this is an optimised build, where the large cases take milliseconds.
    const OPTIMISED: bool = !cfg!(debug_assertions);

    fn product(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
        matmul(a, b, n, Precision::Exact, &Ctx::default()).expect("not cancelled")
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

    /// The bits of each element, any NaN as the one canonical NaN: IEEE 754 leaves a NaN's sign
    /// and payload to the implementation, and neither LLVM (which may swap an addition's
    /// operands) nor JavaScript engines keep them, so "bit-identical" means every other bit.
    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter()
            .map(|x| {
                if x.is_nan() {
                    f64::NAN.to_bits()
                } else {
                    x.to_bits()
                }
            })
            .collect()
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

    fn on(path: CpuPath, precision: Precision, a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
        matmul(a, b, n, precision, &Ctx::default().with_cpu(path)).expect("not cancelled")
    }

    #[test]
    fn every_cpu_path_matches_the_naive_loop_bit_for_bit() {
        // Every size up to 130 (all block edges of every kernel; past KC, so sums continue
        // from C), then sizes whose B no longer fits one block: 400 (blocks of 2·KC values of
        // k) and 700 (column blocks too). Unoptimised builds run the intrinsics as calls, so
        // they check the small sizes and fewer of the large ones.
        let sizes: Vec<usize> = if OPTIMISED {
            (1..=130).chain([400, 700]).collect()
        } else {
            (1..=40).chain([63, 64, 65, 97, 130]).collect()
        };
        for n in sizes {
            let (a, b) = (matrix(n, n as u64), matrix(n, 1000 + n as u64));
            let expected = bits(&reference(&a, &b, n));
            for path in crate::cpu::supported() {
                let got = bits(&on(path, Precision::Exact, &a, &b, n));
                assert!(got == expected, "{path} path differs at n = {n}");
            }
        }
    }

    #[test]
    fn every_cpu_path_keeps_nan_infinity_and_signed_zeros_exact() {
        for n in [1, 5, 7, 13, 40] {
            let mut a = matrix(n, 11 + n as u64);
            let mut b = matrix(n, 12 + n as u64);
            // Huge and tiny magnitudes (products that overflow and underflow), infinities,
            // NaN, and a row and a column of negative zeros.
            for (i, x) in a.iter_mut().enumerate() {
                match i % 11 {
                    3 => *x = 1e300,
                    5 => *x = -1e-300,
                    _ => {}
                }
            }
            for (i, x) in b.iter_mut().enumerate() {
                match i % 13 {
                    4 => *x = 1e10,
                    6 => *x = 3e-20,
                    _ => {}
                }
            }
            a[n * n / 2] = f64::INFINITY;
            b[n / 3] = f64::NEG_INFINITY;
            b[(n * n) / 3] = f64::NAN;
            for k in 0..n {
                a[(n - 1) * n + k] = -0.0;
                b[k * n + n - 1] = -0.0;
            }
            let expected = bits(&reference(&a, &b, n));
            for path in crate::cpu::supported() {
                let got = bits(&on(path, Precision::Exact, &a, &b, n));
                assert!(got == expected, "{path} path differs at n = {n}");
            }
        }
    }

    /// The bound documented at [`Precision::Fast`].
    fn fast_bound(a: &[f64], b: &[f64], n: usize, i: usize, j: usize) -> f64 {
        let magnitude: f64 = (0..n).map(|k| (a[i * n + k] * b[k * n + j]).abs()).sum();
        let ne = n as f64 * f64::EPSILON;
        // The sum of magnitudes is itself rounded (by at most n·u relatively): allow for it.
        ne * magnitude / (1.0 - ne / 2.0) * (1.0 + ne)
    }

    #[test]
    fn fast_mode_stays_within_its_bound_on_every_path() {
        let sizes: &[usize] = if OPTIMISED {
            &[1, 2, 7, 31, 64, 97, 130, 353]
        } else {
            &[1, 2, 7, 31, 64, 97]
        };
        for &n in sizes {
            let (a, b) = (matrix(n, 5 + n as u64), matrix(n, 6 + n as u64));
            let exact = reference(&a, &b, n);
            for path in crate::cpu::supported() {
                let fast = on(path, Precision::Fast, &a, &b, n);
                for i in 0..n {
                    for j in 0..n {
                        let (f, e) = (fast[i * n + j], exact[i * n + j]);
                        let bound = fast_bound(&a, &b, n, i, j);
                        assert!(
                            (f - e).abs() <= bound,
                            "{path}, n = {n}, ({i}, {j}): fast {f}, exact {e}, bound {bound}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn fast_mode_is_exact_where_products_and_sums_are() {
        // Small integers: every product and partial sum is exact, so FMA changes nothing.
        let n = 67;
        let a: Vec<f64> = (0..n * n).map(|i| ((i * 7) % 19) as f64 - 9.0).collect();
        let b: Vec<f64> = (0..n * n).map(|i| ((i * 5) % 23) as f64 - 11.0).collect();
        let expected = bits(&reference(&a, &b, n));
        for path in crate::cpu::supported() {
            assert!(
                bits(&on(path, Precision::Fast, &a, &b, n)) == expected,
                "{path}"
            );
        }
    }

    #[test]
    fn fast_mode_differs_from_exact_only_by_rounding() {
        // The fused path really is used where the CPU has FMA: some element differs (this
        // guards against the fast mode silently being the exact one), yet within the bound.
        let n = 200;
        let (a, b) = (matrix(n, 21), matrix(n, 22));
        let exact = bits(&reference(&a, &b, n));
        for path in crate::cpu::supported() {
            let fast = bits(&on(path, Precision::Fast, &a, &b, n));
            let fused = matches!(path, CpuPath::Avx2 | CpuPath::Avx512 | CpuPath::Neon);
            assert_eq!(fast != exact, fused, "{path}");
        }
    }

    #[test]
    fn same_result_for_every_thread_count_in_both_modes() {
        // The benchmark's size when optimised; 100 (17 row panels, several tasks) otherwise.
        let n = if OPTIMISED { 352 } else { 100 };
        let (a, b) = (matrix(n, 31), matrix(n, 32));
        for path in crate::cpu::supported() {
            for precision in [Precision::Exact, Precision::Fast] {
                let one = bits(&in_pool(1, || on(path, precision, &a, &b, n)));
                for threads in [2, 3] {
                    let many = bits(&in_pool(threads, || on(path, precision, &a, &b, n)));
                    assert!(many == one, "{path} {precision:?} {threads} threads");
                }
            }
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
        assert_eq!(
            matmul(&a, &b, n, Precision::Exact, &cancelled_ctx()),
            Err(Cancelled)
        );
        check_cancel_midway(|ctx, scale| {
            let n = (400.0 * (scale as f64).cbrt()) as usize;
            let (a, b) = (matrix(n, 3), matrix(n, 4));
            matmul(&a, &b, n, Precision::Exact, ctx).map(drop)
        });
    }

    #[test]
    fn reports_progress() {
        check_progress(|ctx, scale| {
            let n = (400.0 * (scale as f64).cbrt()) as usize;
            let (a, b) = (matrix(n, 3), matrix(n, 4));
            matmul(&a, &b, n, Precision::Exact, ctx).map(drop)
        });
    }
}
