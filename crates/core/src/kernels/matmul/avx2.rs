//! The AVX2 micro-kernels: a 6×8 block of C in 12 ymm registers (two of 4 doubles per row),
//! one broadcast of A and two loads of B per k. The exact kernel multiplies then adds
//! (`vmulpd`, `vaddpd`: one rounding each, exactly the scalar sequence per lane); the fast one
//! fuses them (`vfmadd231pd`).

use std::arch::x86_64::*;

/// Rows of C per block.
pub(super) const MR: usize = 6;
/// Columns of C per block.
pub(super) const NR: usize = 8;
/// Vectors per row of the block.
const V: usize = NR / 4;

macro_rules! kernel {
    ($name:ident, $doc:literal, |$acc:ident, $a:ident, $b:ident| $step:expr) => {
        #[doc = $doc]
        ///
        /// # Safety
        /// `a` holds `kc·MR` doubles, `b` holds `kc·NR`, `c[r·ldc + j]` is valid for `r < MR`,
        /// `j < NR`, and the CPU supports [`crate::cpu::AVX2_FEATURES`].
        #[target_feature(enable = "avx2,fma")]
        pub(super) unsafe fn $name(
            kc: usize,
            a: *const f64,
            b: *const f64,
            c: *mut f64,
            ldc: usize,
            accumulate: bool,
        ) {
            let mut acc = [[_mm256_setzero_pd(); V]; MR];
            if accumulate {
                for (r, row) in acc.iter_mut().enumerate() {
                    for (v, x) in row.iter_mut().enumerate() {
                        // SAFETY: r < MR and v·4 + 4 ≤ NR: inside the caller's block of C.
                        *x = unsafe { _mm256_loadu_pd(c.add(r * ldc + v * 4)) };
                    }
                }
            }
            for k in 0..kc {
                // SAFETY: k < kc, so B's 8 values at k·NR and A's 6 at k·MR are in bounds.
                let bk: [__m256d; V] =
                    std::array::from_fn(|v| unsafe { _mm256_loadu_pd(b.add(k * NR + v * 4)) });
                for (r, row) in acc.iter_mut().enumerate() {
                    // SAFETY: as above.
                    let $a = _mm256_set1_pd(unsafe { *a.add(k * MR + r) });
                    for ($acc, &$b) in row.iter_mut().zip(&bk) {
                        *$acc = $step;
                    }
                }
            }
            for (r, row) in acc.iter().enumerate() {
                for (v, &x) in row.iter().enumerate() {
                    // SAFETY: as for the loads.
                    unsafe { _mm256_storeu_pd(c.add(r * ldc + v * 4), x) };
                }
            }
        }
    };
}

kernel!(
    exact,
    "The exact kernel: `acc + a·b` as a rounded multiply, then a rounded add.",
    |acc, a, b| _mm256_add_pd(*acc, _mm256_mul_pd(a, b))
);
kernel!(
    fused,
    "The fast kernel: `acc + a·b` as one fused multiply-add.",
    |acc, a, b| _mm256_fmadd_pd(a, b, *acc)
);
