//! The NEON micro-kernels (aarch64): a 6×8 block of C in 24 of the 32 vector registers (four
//! of 2 doubles per row), one broadcast of A and four loads of B per k. The exact kernel
//! multiplies then adds (`fmul`, `fadd`: one rounding each, exactly the scalar sequence per
//! lane); the fast one fuses them (`fmla`).

use std::arch::aarch64::*;

/// Rows of C per block.
pub(super) const MR: usize = 6;
/// Columns of C per block.
pub(super) const NR: usize = 8;
/// Vectors per row of the block.
const V: usize = NR / 2;

macro_rules! kernel {
    ($name:ident, $doc:literal, |$acc:ident, $a:ident, $b:ident| $step:expr) => {
        #[doc = $doc]
        ///
        /// # Safety
        /// `a` holds `kc·MR` doubles, `b` holds `kc·NR`, `c[r·ldc + j]` is valid for `r < MR`,
        /// `j < NR`, and the CPU supports NEON.
        #[target_feature(enable = "neon")]
        pub(super) unsafe fn $name(
            kc: usize,
            a: *const f64,
            b: *const f64,
            c: *mut f64,
            ldc: usize,
            accumulate: bool,
        ) {
            let mut acc = [[vdupq_n_f64(0.0); V]; MR];
            if accumulate {
                for (r, row) in acc.iter_mut().enumerate() {
                    for (v, x) in row.iter_mut().enumerate() {
                        // SAFETY: r < MR and v·2 + 2 ≤ NR: inside the caller's block of C.
                        *x = unsafe { vld1q_f64(c.add(r * ldc + v * 2)) };
                    }
                }
            }
            for k in 0..kc {
                // SAFETY: k < kc, so B's 8 values at k·NR and A's 6 at k·MR are in bounds.
                let bk: [float64x2_t; V] =
                    std::array::from_fn(|v| unsafe { vld1q_f64(b.add(k * NR + v * 2)) });
                for (r, row) in acc.iter_mut().enumerate() {
                    // SAFETY: as above.
                    let $a = vdupq_n_f64(unsafe { *a.add(k * MR + r) });
                    for ($acc, &$b) in row.iter_mut().zip(&bk) {
                        *$acc = $step;
                    }
                }
            }
            for (r, row) in acc.iter().enumerate() {
                for (v, &x) in row.iter().enumerate() {
                    // SAFETY: as for the loads.
                    unsafe { vst1q_f64(c.add(r * ldc + v * 2), x) };
                }
            }
        }
    };
}

kernel!(
    exact,
    "The exact kernel: `acc + a·b` as a rounded multiply, then a rounded add.",
    |acc, a, b| vaddq_f64(*acc, vmulq_f64(a, b))
);
kernel!(
    fused,
    "The fast kernel: `acc + a·b` as one fused multiply-add.",
    |acc, a, b| vfmaq_f64(*acc, a, b)
);
