//! Times the vector paths of `mandelbrot` and `matmul` on one thread, on every CPU path this
//! machine supports, at the benchmark's full sizes (`bench/workloads.ts`, `FULL_SIZES`):
//! mandelbrot 1200×900 with at most 256 iterations over [−2, 1) × [−1.5, 1.5), and matmul at
//! n = 352. Prints median and minimum of several interleaved runs (the CPU may be shared, so the
//! minimum is the better estimate of what the code can do).
//!
//! ```text
//! cargo run --release -p spindle-core --example simd_bench [-- rounds [matmul-threads]]
//! ```
//!
//! Not a test: it asserts nothing about speed, only that every path gives the same answer.
//!
//! One-thread figures are the running thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), which
//! leaves out the time other processes hold the core, so they stay meaningful on a shared
//! machine; figures for more threads are wall-clock times.

use std::time::{Duration, Instant};

use spindle_core::cpu::{self, CpuPath};
use spindle_core::kernels::{mandelbrot, matmul, MandelbrotParams, Precision};
use spindle_core::Ctx;

const MANDELBROT: MandelbrotParams = MandelbrotParams {
    width: 1200,
    height: 900,
    max_iterations: 256,
    x_min: -2.0,
    x_max: 1.0,
    y_min: -1.5,
    y_max: 1.5,
};

const N: usize = 352;

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
}

/// Linux's `CLOCK_THREAD_CPUTIME_ID`.
const CLOCK_THREAD_CPUTIME_ID: i32 = 3;

/// CPU time the calling thread has used.
fn thread_cpu_time() -> Duration {
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec (two 64-bit fields on x86-64 and aarch64
    // Linux); clock_gettime only writes it.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Runs `f` on `pool` and returns its result with its duration: the pool thread's CPU time for
/// a one-thread pool, else the wall-clock time.
fn timed<T: Send>(pool: &rayon::ThreadPool, f: impl FnOnce() -> T + Send) -> (T, Duration) {
    if pool.current_num_threads() == 1 {
        pool.install(|| {
            let started = thread_cpu_time();
            let out = f();
            (out, thread_cpu_time() - started)
        })
    } else {
        let started = Instant::now();
        let out = pool.install(f);
        (out, started.elapsed())
    }
}

/// The clock the pool's thread effectively ran at, in GHz: a chain of dependent
/// multiplications (4 cycles each on recent Intel and AMD cores) timed in CPU time. On a
/// shared or throttled machine it is far below the nominal clock; figures scale with it.
fn effective_ghz(pool: &rayon::ThreadPool) -> f64 {
    const LINKS: u32 = 20_000_000;
    let factor = std::hint::black_box(1.000_000_1f64);
    let (x, time) = timed(pool, || {
        let mut x = 1.0f64;
        for _ in 0..LINKS {
            x *= factor;
        }
        x
    });
    std::hint::black_box(x);
    4.0 * f64::from(LINKS) / time.as_secs_f64() / 1e9
}

/// The machine's AVX-512 double-precision peak in GFLOP/s on one thread, without and with FMA:
/// 24 independent accumulators (as the 6×32 matmul kernel has), updated from registers only.
#[cfg(target_arch = "x86_64")]
fn avx512_peaks(pool: &rayon::ThreadPool) -> Option<(f64, f64)> {
    use std::arch::x86_64::*;
    const ROUNDS: usize = 2_000_000;

    #[target_feature(enable = "avx512f")]
    fn run(fused: bool) -> f64 {
        // Each accumulator's step depends on its last value, so nothing can be hoisted or
        // shared between them: a = a + a·x (one multiply, one add, as the exact kernel does).
        let x = _mm512_set1_pd(std::hint::black_box(1e-9));
        let mut acc = [_mm512_set1_pd(1.0); 24];
        for _ in 0..ROUNDS {
            for a in &mut acc {
                *a = if fused {
                    _mm512_fmadd_pd(*a, x, *a)
                } else {
                    _mm512_add_pd(*a, _mm512_mul_pd(*a, x))
                };
            }
        }
        acc.iter().map(|&a| _mm512_reduce_add_pd(a)).sum()
    }

    if !CpuPath::Avx512.is_supported() {
        return None;
    }
    let flops = (ROUNDS * 24 * 8 * 2) as f64;
    let peak = |fused| {
        let times: Vec<Duration> = (0..5)
            // SAFETY: the CPU has AVX-512 F (checked above).
            .map(|_| timed(pool, || std::hint::black_box(unsafe { run(fused) })).1)
            .collect();
        flops / min(&times).as_secs_f64() / 1e9
    };
    Some((peak(false), peak(true)))
}

#[cfg(not(target_arch = "x86_64"))]
fn avx512_peaks(_pool: &rayon::ThreadPool) -> Option<(f64, f64)> {
    None
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn min(v: &[Duration]) -> Duration {
    v.iter().copied().min().unwrap_or_default()
}

/// Values of mixed signs and magnitudes from a xorshift generator.
fn matrix(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed | 1;
    (0..n * n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        })
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(15);
    let mm_threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let paths = cpu::supported();
    let clocks: Vec<f64> = (0..5).map(|_| effective_ghz(&one)).collect();
    println!(
        "paths: {}; {rounds} interleaved rounds",
        paths
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(", ")
    );

    // mandelbrot
    let ctxs: Vec<(CpuPath, Ctx)> = paths
        .iter()
        .map(|&p| (p, Ctx::default().with_cpu(p)))
        .collect();
    let counts = one
        .install(|| mandelbrot(&MANDELBROT, &ctxs[0].1))
        .expect("not cancelled");
    let iterations: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    let mut times = vec![Vec::new(); ctxs.len()];
    for _ in 0..rounds {
        for ((_, ctx), t) in ctxs.iter().zip(&mut times) {
            let (out, time) = timed(&one, || mandelbrot(&MANDELBROT, ctx));
            let out = out.expect("not cancelled");
            t.push(time);
            assert!(out == counts, "a path disagrees with the scalar twin");
        }
    }
    println!("mandelbrot 1200x900 <=256: {iterations} iterations, one thread");
    for ((path, _), t) in ctxs.iter().zip(times) {
        let (med, lo) = (median(t.clone()), min(&t));
        println!(
            "  {:<9} median {:>7.2} ms {:>6.3} ns/it   min {:>7.2} ms {:>6.3} ns/it",
            path.name(),
            med.as_secs_f64() * 1e3,
            med.as_secs_f64() * 1e9 / iterations as f64,
            lo.as_secs_f64() * 1e3,
            lo.as_secs_f64() * 1e9 / iterations as f64,
        );
    }

    // matmul
    let (a, b) = (matrix(N, 1), matrix(N, 2));
    let flops = 2.0 * (N as f64).powi(3);
    let exact = one
        .install(|| matmul(&a, &b, N, Precision::Exact, &ctxs[0].1))
        .expect("not cancelled");
    let many = rayon::ThreadPoolBuilder::new()
        .num_threads(mm_threads)
        .build()
        .expect("pool");
    let mut runs: Vec<(String, &Ctx, Precision, &rayon::ThreadPool)> = Vec::new();
    for (path, ctx) in &ctxs {
        for precision in [Precision::Exact, Precision::Fast] {
            runs.push((format!("{path} {precision:?} 1t"), ctx, precision, &one));
        }
    }
    if let Some((path, ctx)) = ctxs.last() {
        for precision in [Precision::Exact, Precision::Fast] {
            runs.push((
                format!("{path} {precision:?} {mm_threads}t"),
                ctx,
                precision,
                &many,
            ));
        }
    }
    let mut times = vec![Vec::new(); runs.len()];
    for _ in 0..rounds * 4 {
        for ((_, ctx, precision, pool), t) in runs.iter().zip(&mut times) {
            let (c, time) = timed(pool, || matmul(&a, &b, N, *precision, ctx));
            let c = c.expect("not cancelled");
            t.push(time);
            if *precision == Precision::Exact {
                let same = c
                    .iter()
                    .zip(&exact)
                    .all(|(x, y)| x.to_bits() == y.to_bits());
                assert!(same, "an exact path disagrees with the scalar twin");
            }
        }
    }
    println!("matmul {N}x{N}: GFLOP/s (median / best)");
    for ((name, ..), t) in runs.iter().zip(times) {
        let (med, lo) = (median(t.clone()), min(&t));
        println!(
            "  {:<22} median {:>6.3} ms {:>6.1}   min {:>6.3} ms {:>6.1}",
            name,
            med.as_secs_f64() * 1e3,
            flops / med.as_secs_f64() / 1e9,
            lo.as_secs_f64() * 1e3,
            flops / lo.as_secs_f64() / 1e9,
        );
    }
    if let Some((plain, fused)) = avx512_peaks(&one) {
        println!("AVX-512 peak, one thread: {plain:.1} GFLOP/s mul+add, {fused:.1} GFLOP/s FMA");
    }
    let after: Vec<f64> = (0..5).map(|_| effective_ghz(&one)).collect();
    println!(
        "effective clock (4-cycle multiply chain): {:.2}–{:.2} GHz before, {:.2}–{:.2} GHz after",
        clocks.iter().copied().fold(f64::INFINITY, f64::min),
        clocks.iter().copied().fold(0.0, f64::max),
        after.iter().copied().fold(f64::INFINITY, f64::min),
        after.iter().copied().fold(0.0, f64::max),
    );
}
