//! The AVX-512 micro-kernels: a 6×32 block of C in 24 zmm registers (four of 8 doubles per
//! row), one broadcast of A and four loads of B per k. The exact kernel multiplies then adds
//! (`vmulpd`, `vaddpd`: one rounding each, exactly the scalar sequence per lane); the fast one
//! fuses them (`vfmadd231pd`).

use std::arch::x86_64::*;

/// Rows of C per block.
pub(super) const MR: usize = 6;
/// Columns of C per block.
pub(super) const NR: usize = 32;
/// Vectors per row of the block.
const V: usize = NR / 8;

macro_rules! kernel {
    ($name:ident, $doc:literal, |$acc:ident, $a:ident, $b:ident| $step:expr) => {
        #[doc = $doc]
        ///
        /// # Safety
        /// `a` holds `kc·MR` doubles, `b` holds `kc·NR`, `c[r·ldc + j]` is valid for `r < MR`,
        /// `j < NR`, and the CPU supports [`crate::cpu::AVX512_FEATURES`].
        #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
        pub(super) unsafe fn $name(
            kc: usize,
            a: *const f64,
            b: *const f64,
            c: *mut f64,
            ldc: usize,
            accumulate: bool,
        ) {
            let mut acc = [[_mm512_setzero_pd(); V]; MR];
            if accumulate {
                for (r, row) in acc.iter_mut().enumerate() {
                    for (v, x) in row.iter_mut().enumerate() {
                        // SAFETY: r < MR and v·8 + 8 ≤ NR: inside the caller's block of C.
                        *x = unsafe { _mm512_loadu_pd(c.add(r * ldc + v * 8)) };
                    }
                }
            }
            for k in 0..kc {
                // SAFETY: k < kc, so B's 32 values at k·NR and A's 6 at k·MR are in bounds.
                let bk: [__m512d; V] =
                    std::array::from_fn(|v| unsafe { _mm512_loadu_pd(b.add(k * NR + v * 8)) });
                for (r, row) in acc.iter_mut().enumerate() {
                    // SAFETY: as above.
                    let $a = _mm512_set1_pd(unsafe { *a.add(k * MR + r) });
                    for ($acc, &$b) in row.iter_mut().zip(&bk) {
                        *$acc = $step;
                    }
                }
            }
            for (r, row) in acc.iter().enumerate() {
                for (v, &x) in row.iter().enumerate() {
                    // SAFETY: as for the loads.
                    unsafe { _mm512_storeu_pd(c.add(r * ldc + v * 8), x) };
                }
            }
        }
    };
}

kernel!(
    exact,
    "The exact kernel: `acc + a·b` as a rounded multiply, then a rounded add.",
    |acc, a, b| _mm512_add_pd(*acc, _mm512_mul_pd(a, b))
);
kernel!(
    fused,
    "The fast kernel: `acc + a·b` as one fused multiply-add.",
    |acc, a, b| _mm512_fmadd_pd(a, b, *acc)
);
