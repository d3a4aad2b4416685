//! Times `ela` on the benchmark's FULL_SIZES workload (`bench/workloads.ts`: the 512×384
//! fixture `__test__/fixtures/ela-spliced.jpg`, quality 90, scale 15), one thread: the whole
//! call, each of its steps on its own, and the PNG step under other filter and deflate
//! settings (time and size), so the settings in `kernels/ela/map_png.rs` can be chosen by
//! measurement.
//!
//! `cargo run --release -p spindle-core --example ela_bench [runs]` (default 31). Prints the
//! median and the minimum wall time of each and the median of its thread CPU time, in
//! milliseconds: the CPU may be shared, so look at all three. `ela_pillow.py` beside this file
//! times the reference, Pillow's JPEG-only ELA of the same image; run the two interleaved.
//! Build once with `nasm` on PATH and once without to compare libjpeg-turbo's SIMD with its C
//! code (the first line says which ran).

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use spindle_core::jpeg::{self, Format, Image, Sampling};
use spindle_core::kernels::{ela, ElaParams};
use spindle_core::Ctx;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../__test__/fixtures/ela-spliced.jpg"
);

/// The calling thread's CPU time in ms: unlike the wall clock, it does not count the time the
/// thread waits while other processes have the CPU.
#[cfg(target_os = "linux")]
fn cpu_ms() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut t = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `t` is a valid timespec for the call to fill in (64-bit Linux layout).
    unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.sec as f64 * 1e3 + t.nsec as f64 / 1e6
}

#[cfg(not(target_os = "linux"))]
fn cpu_ms() -> f64 {
    f64::NAN
}

/// Median and minimum of `runs` wall-clock timings of `f`, and the median of its thread CPU
/// times, in ms, after two warm-up calls.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> [f64; 3] {
    black_box(f());
    black_box(f());
    let (mut wall, mut cpu): (Vec<f64>, Vec<f64>) = (0..runs)
        .map(|_| {
            let (start, start_cpu) = (Instant::now(), cpu_ms());
            black_box(f());
            (start.elapsed().as_secs_f64() * 1e3, cpu_ms() - start_cpu)
        })
        .unzip();
    wall.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    [wall[runs / 2], wall[0], cpu[runs / 2]]
}

fn report(name: &str, [median, min, cpu]: [f64; 3]) {
    println!("{name:<40} median {median:7.3} ms  min {min:7.3} ms  cpu median {cpu:7.3} ms");
}

/// The map as a PNG with `compression` and `filter`, streamed as the kernel does.
fn png_of(
    map: &[u8],
    w: u32,
    h: u32,
    compression: png::DeflateCompression,
    filter: png::Filter,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(map.len() / 3 + 1024);
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(compression);
    encoder.set_filter(filter);
    let mut writer = encoder.write_header().expect("header");
    let mut stream = writer.stream_writer().expect("stream");
    stream.write_all(map).expect("write");
    stream.finish().expect("finish");
    writer.finish().expect("finish");
    out
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(31);
    let input = std::fs::read(FIXTURE).expect("read the fixture");
    let info = jpeg::read_header(&input).expect("header");
    let (w, h) = (info.width, info.height);
    println!(
        "{w}×{h}, {} bytes; libjpeg-turbo SIMD: {}; {runs} runs",
        input.len(),
        jpeg::simd()
    );
    let params = ElaParams {
        quality: 90,
        scale: 15.0,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let ctx = Ctx::default();
    report(
        "whole call (one thread)",
        // Timed on the pool's thread, so that its CPU time is the call's.
        pool.install(|| time(runs, || ela(&input, &params, &ctx).expect("ela"))),
    );

    let mut rgb = vec![0; w * h * 3];
    report(
        "decode",
        time(runs, || {
            jpeg::decode_rgb(&input, w, h, &mut rgb).expect("decode")
        }),
    );
    let image = Image {
        pixels: &rgb,
        width: w,
        height: h,
        format: Format::Rgb,
    };
    let resaved = jpeg::encode(&image, 90, Sampling::S420, false).expect("encode");
    report(
        "encode q90 4:2:0",
        time(runs, || {
            jpeg::encode(&image, 90, Sampling::S420, false).expect("encode")
        }),
    );
    let mut again = vec![0; w * h * 3];
    report(
        "decode the re-encode",
        time(runs, || {
            jpeg::decode_rgb(&resaved, w, h, &mut again).expect("decode")
        }),
    );
    let mut map = vec![0; w * h * 3];
    report(
        "difference × 15",
        time(runs, || {
            for ((o, &a), &b) in map.iter_mut().zip(&rgb).zip(&again) {
                *o = (u32::from(a.abs_diff(b)) * 15).min(255) as u8;
            }
        }),
    );

    let out = ela(&input, &params, &ctx).expect("ela");
    println!("the kernel's PNG: {} bytes", out.png.len());
    use png::DeflateCompression as D;
    use png::Filter as F;
    let variants = [
        ("zlib 2, no filter", D::Level(2), F::NoFilter),
        ("zlib 1, no filter", D::Level(1), F::NoFilter),
        ("zlib 1, up", D::Level(1), F::Up),
        ("zlib 1, sub", D::Level(1), F::Sub),
        ("zlib 1, adaptive", D::Level(1), F::Adaptive),
        ("zlib 3, no filter", D::Level(3), F::NoFilter),
        ("zlib 6, adaptive", D::Level(6), F::Adaptive),
        ("fdeflate, no filter", D::FdeflateUltraFast, F::NoFilter),
        ("fdeflate, up", D::FdeflateUltraFast, F::Up),
        ("fdeflate, sub", D::FdeflateUltraFast, F::Sub),
        ("fdeflate, paeth", D::FdeflateUltraFast, F::Paeth),
        ("fdeflate, adaptive", D::FdeflateUltraFast, F::Adaptive),
        ("stored", D::NoCompression, F::NoFilter),
    ];
    for (name, compression, filter) in variants {
        let size = png_of(&map, w as u32, h as u32, compression, filter).len();
        let t = time(runs, || {
            png_of(&map, w as u32, h as u32, compression, filter)
        });
        report(&format!("png {name} ({size} B)"), t);
    }
}
