//! The vector FLOP peak of one core, per CPU path: what an exact (no-FMA) matmul could reach at
//! best, and what an FMA one could. Independent chains of packed multiplies and adds (or FMAs),
//! enough of them to cover the instructions' latency on two vector ports.

use std::hint::black_box;
use std::time::Instant;

/// Loop trips per timed run: ~10⁸ vector instructions, tens of milliseconds.
const TRIPS: u64 = 4_000_000;
/// Timed runs per figure; the best one counts (a peak is what the core can do, not its average).
const RUNS: usize = 7;

/// `{"paths":{"avx512":{"mulAdd":G,"fma":G},…}}` in GFLOP/s, for each path this CPU supports.
pub fn measure() -> String {
    let mut rows = vec![format!(
        "\"baseline\":{{\"mulAdd\":{:.2}}}",
        best(|| scalar_mul_add(TRIPS))
    )];
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA (checked just above).
            let mul_add = best(|| unsafe { x86::avx2_mul_add(TRIPS) });
            // SAFETY: as above.
            let fma = best(|| unsafe { x86::avx2_fma(TRIPS) });
            rows.push(format!(
                "\"avx2\":{{\"mulAdd\":{mul_add:.2},\"fma\":{fma:.2}}}"
            ));
        }
        if is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512 F (checked just above).
            let mul_add = best(|| unsafe { x86::avx512_mul_add(TRIPS) });
            // SAFETY: as above.
            let fma = best(|| unsafe { x86::avx512_fma(TRIPS) });
            rows.push(format!(
                "\"avx512\":{{\"mulAdd\":{mul_add:.2},\"fma\":{fma:.2}}}"
            ));
        }
    }
    format!("{{\"paths\":{{{}}}}}", rows.join(","))
}

/// The best of [`RUNS`] runs of `run`, which returns (flops done, checksum), in GFLOP/s.
fn best(run: impl Fn() -> (f64, f64)) -> f64 {
    let mut top = 0.0f64;
    for _ in 0..RUNS {
        let start = Instant::now();
        let (flops, sum) = run();
        let seconds = start.elapsed().as_secs_f64();
        black_box(sum);
        top = top.max(flops / seconds / 1e9);
    }
    top
}

/// The baseline: SSE2's two lanes, written as plain scalar code that LLVM vectorises (or not).
fn scalar_mul_add(trips: u64) -> (f64, f64) {
    let k = black_box(1.0f64);
    let z = black_box(0.0f64);
    let mut m = [1.0f64; 8];
    let mut a = [1.0f64; 8];
    for _ in 0..trips {
        for i in 0..8 {
            m[i] *= k;
            a[i] += z;
        }
    }
    (trips as f64 * 16.0, m.iter().chain(a.iter()).sum())
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;
    use std::hint::black_box;

    /// Eight independent multiply chains and eight add chains: 16 vector ops per trip, which two
    /// ports with 4-cycle latency can overlap fully.
    macro_rules! chains {
        ($trips:expr, $lanes:expr, $set1:ident, $op_m:ident, $op_a:ident, $sum:ident) => {{
            let k = $set1(black_box(1.0));
            let z = $set1(black_box(0.0));
            let mut m = [$set1(1.0); 8];
            let mut a = [$set1(1.0); 8];
            for _ in 0..$trips {
                for i in 0..8 {
                    m[i] = $op_m(m[i], k);
                    a[i] = $op_a(a[i], z);
                }
            }
            let mut s = 0.0;
            for v in m.iter().chain(a.iter()) {
                s += $sum(*v);
            }
            ($trips as f64 * 16.0 * $lanes, s)
        }};
    }

    /// Sixteen independent FMA chains: 16 vector FMAs (2 FLOPs a lane each) per trip.
    macro_rules! fma_chains {
        ($trips:expr, $lanes:expr, $set1:ident, $fma:ident, $sum:ident) => {{
            let k = $set1(black_box(1.0));
            let z = $set1(black_box(0.0));
            let mut acc = [$set1(1.0); 16];
            for _ in 0..$trips {
                for v in acc.iter_mut() {
                    *v = $fma(*v, k, z);
                }
            }
            let mut s = 0.0;
            for v in acc.iter() {
                s += $sum(*v);
            }
            ($trips as f64 * 16.0 * 2.0 * $lanes, s)
        }};
    }

    #[target_feature(enable = "avx2,fma")]
    fn sum256(v: __m256d) -> f64 {
        let mut out = [0.0f64; 4];
        // SAFETY: `out` has room for the four lanes; storeu has no alignment requirement.
        unsafe { _mm256_storeu_pd(out.as_mut_ptr(), v) };
        out.iter().sum()
    }

    #[target_feature(enable = "avx512f")]
    fn sum512(v: __m512d) -> f64 {
        _mm512_reduce_add_pd(v)
    }

    /// # Safety
    /// The CPU must have AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn avx2_mul_add(trips: u64) -> (f64, f64) {
        chains!(
            trips,
            4.0,
            _mm256_set1_pd,
            _mm256_mul_pd,
            _mm256_add_pd,
            sum256
        )
    }

    /// # Safety
    /// The CPU must have AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn avx2_fma(trips: u64) -> (f64, f64) {
        fma_chains!(trips, 4.0, _mm256_set1_pd, _mm256_fmadd_pd, sum256)
    }

    /// # Safety
    /// The CPU must have AVX-512 F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn avx512_mul_add(trips: u64) -> (f64, f64) {
        chains!(
            trips,
            8.0,
            _mm512_set1_pd,
            _mm512_mul_pd,
            _mm512_add_pd,
            sum512
        )
    }

    /// # Safety
    /// The CPU must have AVX-512 F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn avx512_fma(trips: u64) -> (f64, f64) {
        fma_chains!(trips, 8.0, _mm512_set1_pd, _mm512_fmadd_pd, sum512)
    }
}
