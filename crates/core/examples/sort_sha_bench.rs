//! Measures `sort_float64` and `sha256` against the best alternatives a Rust user has (issue 13).
//!
//! `cargo run --release -p spindle-core --example sort_sha_bench [runs]`
//!
//! Sort: 1.25 M doubles as `bench/workloads.ts` makes them (mulberry32, seed 3, uniform in
//! [-1e6, 1e6) with −0, +0 and NaN every 997th), each CPU path of spindle on one and two
//! threads, `rdst` (radix sort crate) and `sort_unstable_by(f64::total_cmp)` on one thread.
//! sha256: 192 MiB from memory, spindle's kernel and the plain `sha2` one-shot digest.
//! The runs are interleaved (every case once per round); it prints the median and the minimum,
//! since the machine is shared.

use std::time::Instant;

use spindle_core::kernels::{sha256, sort_float64};
use spindle_core::{cpu, Ctx};

/// `rng` of `examples/samples.ts` (mulberry32).
fn mulberry32(seed: u32) -> impl FnMut() -> f64 {
    let mut a = seed;
    move || {
        a = a.wrapping_add(0x6d2b_79f5);
        let mut t = a;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }
}

/// `floatsOf` of `bench/workloads.ts`.
fn floats_of(len: usize, seed: u32) -> Vec<f64> {
    let mut random = mulberry32(seed);
    let mut out: Vec<f64> = (0..len).map(|_| (random() - 0.5) * 2e6).collect();
    for i in (0..len).step_by(997) {
        out[i] = match i % 3 {
            0 => -0.0,
            1 => 0.0,
            _ => f64::NAN,
        };
    }
    out
}

/// `bytesOf` of `bench/workloads.ts`.
fn bytes_of(len: usize) -> Vec<u8> {
    let words = len.div_ceil(4);
    let mut out = Vec::with_capacity(words * 4);
    for i in 0..words as u32 {
        let w = (i ^ 0x9e37_79b9).wrapping_mul(0x85eb_ca6b) ^ (i >> 7);
        out.extend_from_slice(&w.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// CPU seconds used by the process so far (all threads): on a shared machine this, unlike
/// the wall clock, leaves out the time other processes held the cores.
#[cfg(target_os = "linux")]
fn cpu_seconds() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.sec as f64 + ts.nsec as f64 * 1e-9
}

#[cfg(not(target_os = "linux"))]
fn cpu_seconds() -> f64 {
    0.0
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
}

type Case<'a> = (String, Box<dyn FnMut() -> u64 + 'a>);

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(11);
    let floats = floats_of(1_250_000, 3);
    let bytes = bytes_of(192 << 20);
    let (one, two) = (pool(1), pool(2));
    let mut cases: Vec<Case<'_>> = Vec::new();
    for path in cpu::supported() {
        for (threads, pool) in [(1, &one), (2, &two)] {
            let ctx = Ctx::default().with_cpu(path);
            let floats = &floats;
            cases.push((
                format!("sort spindle {path} ×{threads}"),
                Box::new(move || {
                    let out = pool.install(|| sort_float64(floats, &ctx)).expect("ok");
                    out[out.len() / 2].to_bits()
                }),
            ));
        }
    }
    cases.push((
        "sort: the copy alone (in the next three)".into(),
        Box::new(|| {
            let v = floats.clone();
            v[v.len() / 2].to_bits()
        }),
    ));
    cases.push((
        "sort rdst ×1".into(),
        Box::new(|| {
            use rdst::RadixSort;
            let mut v = floats.clone();
            one.install(|| v.radix_sort_unstable());
            v[v.len() / 2].to_bits()
        }),
    ));
    cases.push((
        "sort rdst ×2".into(),
        Box::new(|| {
            use rdst::RadixSort;
            let mut v = floats.clone();
            two.install(|| v.radix_sort_unstable());
            v[v.len() / 2].to_bits()
        }),
    ));
    cases.push((
        "sort sort_unstable_by(total_cmp) ×1".into(),
        Box::new(|| {
            let mut v = floats.clone();
            v.sort_unstable_by(f64::total_cmp);
            v[v.len() / 2].to_bits()
        }),
    ));
    cases.push((
        "sha256 spindle".into(),
        Box::new(|| {
            let d = sha256(&bytes, &Ctx::default()).expect("ok");
            u64::from(d.as_bytes()[0])
        }),
    ));
    cases.push((
        "sha256 sha2 one-shot".into(),
        Box::new(|| {
            use sha2::Digest;
            u64::from(sha2::Sha256::digest(&bytes)[0])
        }),
    ));
    // SHA_VARIANTS=1 adds the feeding strategies tried for the kernel (x86-64 only).
    #[cfg(target_arch = "x86_64")]
    if std::env::var_os("SHA_VARIANTS").is_some() {
        for (piece, ahead) in [
            (1 << 10, 4 << 10),
            (4 << 10, 8 << 10),
            (4 << 10, 16 << 10),
            (16 << 10, 16 << 10),
            (2 << 10, 8 << 10),
        ] {
            let bytes = &bytes;
            cases.push((
                format!("sha256 prefetch piece {piece} ahead {ahead}"),
                Box::new(move || {
                    use sha2::Digest;
                    let mut h = sha2::Sha256::new();
                    for (i, p) in bytes.chunks(piece).enumerate() {
                        let from = i * piece + ahead;
                        let to = (from + piece).min(bytes.len());
                        for at in (from..to).step_by(64) {
                            // SAFETY: `at < bytes.len()`; a prefetch is a hint that cannot
                            // fault, and x86-64's baseline has it.
                            unsafe {
                                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                                    bytes.as_ptr().add(at).cast(),
                                )
                            };
                        }
                        h.update(p);
                    }
                    u64::from(h.finalize()[0])
                }),
            ));
        }
        cases.push((
            "sha256 in cache (16 KiB × 12288)".into(),
            Box::new(|| {
                use sha2::Digest;
                let mut h = sha2::Sha256::new();
                for _ in 0..12288 {
                    h.update(&bytes[..16 << 10]);
                }
                u64::from(h.finalize()[0])
            }),
        ));
        for bounce in [4 << 10, 16 << 10, 64 << 10] {
            let bytes = &bytes;
            cases.push((
                format!("sha256 bounce {bounce}"),
                Box::new(move || {
                    use sha2::Digest;
                    let mut h = sha2::Sha256::new();
                    let mut buf = vec![0u8; bounce];
                    for p in bytes.chunks(bounce) {
                        buf[..p.len()].copy_from_slice(p);
                        h.update(&buf[..p.len()]);
                    }
                    u64::from(h.finalize()[0])
                }),
            ));
        }
    }
    if let Ok(filter) = std::env::var("ONLY") {
        cases.retain(|(name, _)| name.contains(&filter));
    }
    let mut times: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); cases.len()];
    let mut sink = 0u64;
    for _ in 0..runs {
        for ((_, run), (wall, cpu)) in cases.iter_mut().zip(&mut times) {
            let (start, start_cpu) = (Instant::now(), cpu_seconds());
            sink = sink.wrapping_add(run());
            wall.push(start.elapsed().as_secs_f64() * 1e3);
            cpu.push((cpu_seconds() - start_cpu) * 1e3);
        }
    }
    println!("{runs} interleaved runs; ms: wall median (min), process CPU time median (min)");
    for ((name, _), (wall, cpu)) in cases.iter().zip(&mut times) {
        wall.sort_by(f64::total_cmp);
        cpu.sort_by(f64::total_cmp);
        let (median, min) = (wall[wall.len() / 2], wall[0]);
        let (cpu_median, cpu_min) = (cpu[cpu.len() / 2], cpu[0]);
        print!("{name:40} {median:8.2} ({min:6.2})  cpu {cpu_median:8.2} ({cpu_min:6.2})");
        if name.starts_with("sha256") {
            let gbs = |ms: f64| (192 << 20) as f64 / ms / 1e6;
            print!(
                "  wall {:.2} GB/s ({:.2}), cpu {:.2} GB/s ({:.2})",
                gbs(median),
                gbs(min),
                gbs(cpu_median),
                gbs(cpu_min)
            );
        }
        println!();
    }
    eprintln!("(checksum {sink})");
}
