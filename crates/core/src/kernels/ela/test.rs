use super::*;
use crate::jpeg::Sampling;
use crate::kernels::test_support::{cancelled_ctx, check_cancel_midway, check_progress, in_pool};
use sha2::{Digest, Sha256};

// ------------------------------------------------------------------------------------ helpers

/// A small deterministic PRNG (xorshift64*), so test images never change.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
}

/// A photo-like RGB image: smooth colour gradients, a soft ripple, hard-edged shapes of other
/// colours and a little sensor noise. Integer arithmetic only, so it is the same everywhere.
pub(super) fn photo(width: usize, height: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let (w, h) = (width.max(1) as i64, height.max(1) as i64);
    let base: Vec<[i64; 3]> = (0..3)
        .map(|_| [rng.range(40, 200), rng.range(-90, 90), rng.range(-90, 90)])
        .collect();
    let period = rng.range(24, 64);
    let shapes: Vec<(i64, i64, i64, i64, [i64; 3])> = (0..10)
        .map(|_| {
            let colour = [rng.range(0, 255), rng.range(0, 255), rng.range(0, 255)];
            (
                rng.range(0, w),
                rng.range(0, h),
                rng.range(4, (w / 5).max(5)),
                rng.range(4, (h / 5).max(5)),
                colour,
            )
        })
        .collect();
    let mut out = Vec::with_capacity(width * height * 3);
    for y in 0..height as i64 {
        for x in 0..width as i64 {
            // A triangle wave in x + y: a gentle diagonal ripple of ±12.
            let phase = (x + y) % period;
            let ripple = (phase.min(period - phase) * 48) / period - 12;
            for (c, plane) in base.iter().enumerate() {
                let mut v = plane[0] + plane[1] * x / w + plane[2] * y / h + ripple;
                for &(cx, cy, rx, ry, colour) in &shapes {
                    let (dx, dy) = (x - cx, y - cy);
                    if dx * dx * ry * ry + dy * dy * rx * rx <= rx * rx * ry * ry {
                        v = (v * 3 + colour[c] * 7) / 10;
                    }
                }
                v += rng.range(-6, 6);
                out.push(v.clamp(0, 255) as u8);
            }
        }
    }
    out
}

/// `rgb` saved as a JPEG by libjpeg, as Pillow's `save(…, quality=q)` does.
pub(super) fn jpeg(
    rgb: &[u8],
    width: usize,
    height: usize,
    quality: u8,
    sampling: Sampling,
) -> Vec<u8> {
    let image = jpeg::Image {
        pixels: rgb,
        width,
        height,
        format: jpeg::Format::Rgb,
    };
    jpeg::encode(&image, quality, sampling, false).expect("compress")
}

/// `jpeg_bytes` decoded to RGB, with its width and height.
fn decoded_image(jpeg_bytes: &[u8]) -> (Vec<u8>, usize, usize) {
    let info = jpeg::read_header(jpeg_bytes).expect("header");
    let mut rgb = vec![0; info.width * info.height * 3];
    jpeg::decode_rgb(jpeg_bytes, info.width, info.height, &mut rgb).expect("decode");
    (rgb, info.width, info.height)
}

fn decoded(jpeg_bytes: &[u8]) -> Vec<u8> {
    decoded_image(jpeg_bytes).0
}

/// ELA the plain way: decode, re-encode the whole image at once, decode, subtract.
fn reference(jpeg_bytes: &[u8], quality: u8) -> (Vec<u8>, usize, usize) {
    let (pixels, width, height) = decoded_image(jpeg_bytes);
    let gray = jpeg::read_header(jpeg_bytes).expect("header").gray;
    let sampling = if gray { Sampling::Gray } else { Sampling::S420 };
    let resaved = decoded(&jpeg(&pixels, width, height, quality, sampling));
    let diff = pixels
        .iter()
        .zip(&resaved)
        .map(|(a, b)| a.abs_diff(*b))
        .collect();
    (diff, width, height)
}

fn run(jpeg_bytes: &[u8], quality: u8, scale: f64) -> Result<Ela, ElaError> {
    ela(jpeg_bytes, &ElaParams { quality, scale }, &Ctx::default())
}

fn run_ok(jpeg_bytes: &[u8], quality: u8, scale: f64) -> Ela {
    run(jpeg_bytes, quality, scale).expect("ela")
}

/// The PNG's IHDR fields and its decoded samples.
fn png_samples(png_bytes: &[u8]) -> (png::Info<'static>, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let frame = reader.next_frame(&mut buf).expect("png data");
    buf.truncate(frame.buffer_size());
    (reader.info().clone(), buf)
}

fn stats(diff: &[u8]) -> (u8, f64) {
    let max = diff.iter().copied().max().unwrap_or(0);
    let sum: u64 = diff.iter().map(|&d| u64::from(d)).sum();
    (max, sum as f64 / diff.len() as f64)
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------- known answers

#[test]
fn a_flat_gray_image_has_no_error_level() {
    // Mid-gray is exactly representable: every coefficient but DC is 0, and DC is 0 too.
    let (w, h) = (24, 20);
    let jpeg_bytes = jpeg(&vec![128; w * h * 3], w, h, 90, Sampling::S420);
    let out = run_ok(&jpeg_bytes, 90, 15.0);
    assert_eq!((out.width, out.height), (24, 20));
    assert_eq!(out.max_difference, 0);
    assert_eq!(out.mean_difference, 0.0);
    let (_, samples) = png_samples(&out.png);
    assert_eq!(samples, vec![0; w * h * 3]);
}

#[test]
fn the_png_is_8_bit_rgb_not_interlaced() {
    let (w, h) = (37, 23);
    let out = run_ok(&jpeg(&photo(w, h, 7), w, h, 80, Sampling::S420), 90, 15.0);
    assert_eq!(&out.png[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR comes first: length 13, then width, height, bit depth, colour type, compression,
    // filter, interlace.
    assert_eq!(&out.png[8..16], b"\x00\x00\x00\x0dIHDR");
    assert_eq!(&out.png[16..20], &37u32.to_be_bytes());
    assert_eq!(&out.png[20..24], &23u32.to_be_bytes());
    assert_eq!(out.png[24], 8, "bit depth");
    assert_eq!(out.png[25], 2, "colour type: RGB");
    assert_eq!(out.png[28], 0, "interlace: none");
    let (info, samples) = png_samples(&out.png);
    assert_eq!((info.width, info.height), (37, 23));
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    assert_eq!(samples.len(), w * h * 3);
}

#[test]
fn strips_give_exactly_the_whole_image_result() {
    let sizes = [
        (1, 1),
        (7, 5),
        (16, 16),
        (17, 33),
        (100, 70),
        (37, 300),
        (301, 129),
    ];
    for (w, h) in sizes {
        for (quality, subsamp) in [
            (75, Sampling::S420),
            (90, Sampling::S444),
            (50, Sampling::Gray),
        ] {
            let input = jpeg(&photo(w, h, (w * h) as u64), w, h, quality, subsamp);
            let (expected, _, _) = reference(&input, 90);
            let header = read_header(&input).expect("header");
            for rows in [16, 32, 48, 128, strip_rows(w)] {
                let params = ElaParams {
                    quality: 90,
                    scale: 1.0,
                };
                let out =
                    ela_in_strips(&input, header, &params, rows, &Ctx::default()).expect("ela");
                let (_, map) = png_samples(&out.png);
                assert!(map == expected, "{w}×{h} {subsamp:?} in strips of {rows}");
                let (max, mean) = stats(&expected);
                assert_eq!(out.max_difference, max);
                assert_eq!(out.mean_difference, mean);
            }
        }
    }
}

#[test]
fn the_same_under_any_pool_size() {
    let (w, h) = (320, 700);
    let input = jpeg(&photo(w, h, 3), w, h, 85, Sampling::S420);
    let header = read_header(&input).expect("header");
    let params = ElaParams {
        quality: 75,
        scale: 9.0,
    };
    let expected = ela_in_strips(&input, header, &params, 32, &Ctx::default()).expect("ela");
    for threads in [1, 3] {
        let out = in_pool(threads, || {
            ela_in_strips(&input, header, &params, 32, &Ctx::default())
        });
        assert_eq!(out, Ok(expected.clone()), "{threads} threads");
    }
}

#[test]
fn scaling_multiplies_rounds_and_clamps() {
    let (w, h) = (64, 48);
    let input = jpeg(&photo(w, h, 11), w, h, 95, Sampling::S420);
    let (raw, _, _) = reference(&input, 30);
    assert!(
        raw.iter().any(|&d| d > 17),
        "some difference must clamp at scale 15"
    );
    for scale in [1.0, 15.0, 0.5, 2.5, 255.0, 1e-3] {
        let out = run_ok(&input, 30, scale);
        let (_, map) = png_samples(&out.png);
        let expected: Vec<u8> = raw
            .iter()
            .map(|&d| (f64::from(d) * scale).round().min(255.0) as u8)
            .collect();
        assert!(map == expected, "scale {scale}");
        // The statistics are of the raw differences, whatever the scale.
        assert_eq!((out.max_difference, out.mean_difference), stats(&raw));
    }
    // Halves round up: 1 × 0.5 → 1, 3 × 0.5 → 2.
    assert_eq!(scale_table(0.5)[1], 1);
    assert_eq!(scale_table(0.5)[3], 2);
    assert_eq!(scale_table(f64::NAN), [0; 256]);
    assert_eq!(scale_table(-1.0), [0; 256]);
}

#[test]
fn grayscale_images_are_resaved_as_grayscale() {
    let (w, h) = (50, 40);
    let input = jpeg(&photo(w, h, 5), w, h, 70, Sampling::Gray);
    let out = run_ok(&input, 90, 1.0);
    let (_, map) = png_samples(&out.png);
    assert!(map.chunks(3).all(|p| p[0] == p[1] && p[1] == p[2]));
    assert!(map == reference(&input, 90).0);
}

#[test]
fn progressive_jpegs_are_analysed_too() {
    let (w, h) = (120, 90);
    let pixels = photo(w, h, 4);
    let image = jpeg::Image {
        pixels: &pixels,
        width: w,
        height: h,
        format: jpeg::Format::Rgb,
    };
    let input = jpeg::encode(&image, 85, Sampling::S420, true).expect("compress");
    assert!(
        input.windows(2).any(|m| m == [0xFF, 0xC2]),
        "a progressive JPEG has SOF2"
    );
    let (_, map) = png_samples(&run_ok(&input, 90, 1.0).png);
    assert!(map == reference(&input, 90).0);
}

#[test]
fn quality_is_clamped_to_1_through_100() {
    let (w, h) = (40, 30);
    let input = jpeg(&photo(w, h, 9), w, h, 80, Sampling::S420);
    assert_eq!(run(&input, 0, 1.0), run(&input, 1, 1.0));
    assert_eq!(run(&input, 255, 1.0), run(&input, 100, 1.0));
}

// ------------------------------------------------------------------------------------ errors

fn invalid(bytes: &[u8]) -> String {
    match run(bytes, 90, 15.0) {
        Err(ElaError::InvalidImage(msg)) => msg,
        other => panic!("expected InvalidImage, got {other:?}"),
    }
}

#[test]
fn refuses_what_is_not_a_decodable_jpeg() {
    let (w, h) = (64, 64);
    let good = jpeg(&photo(w, h, 1), w, h, 90, Sampling::S420);
    let png_bytes = run_ok(&good, 90, 15.0).png;
    assert_eq!(invalid(b""), "the input is empty (0 bytes)");
    assert!(!invalid(b"not a jpeg at all").is_empty());
    assert!(
        invalid(&png_bytes).contains("Not a JPEG"),
        "{}",
        invalid(&png_bytes)
    );
    assert!(!invalid(&[0xFF, 0xD8]).is_empty());
    assert!(
        !invalid(&good[..good.len() / 2]).is_empty(),
        "truncated in the scan"
    );
    assert!(!invalid(&good[..good.len() - 2]).is_empty(), "no EOI");
    assert!(!invalid(&good[..200]).is_empty(), "truncated in the header");
    // Garbage in the entropy-coded data: a marker where none may be.
    let mut corrupt = good.clone();
    let at = corrupt.len() * 2 / 3;
    corrupt[at..at + 8].copy_from_slice(&[0xFF, 0xC4, 0xFF, 0xD8, 0xFF, 0xFF, 0x00, 0x12]);
    assert!(!invalid(&corrupt).is_empty(), "corrupt");
}

/// `good` with the dimensions in its SOF0 header replaced.
fn claiming(good: &[u8], width: u16, height: u16) -> Vec<u8> {
    let mut out = good.to_vec();
    let sof = out
        .windows(2)
        .position(|m| m == [0xFF, 0xC0])
        .expect("a baseline JPEG has SOF0");
    out[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    out[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    out
}

#[test]
fn huge_dimensions_are_refused_from_the_header() {
    let good = jpeg(&photo(16, 16, 2), 16, 16, 90, Sampling::S420);
    // Decoding these would need 12.9 GB or 192 MB of pixels: the header is enough to refuse.
    let msg = invalid(&claiming(&good, 65500, 65500));
    assert!(
        msg.contains("65500×65500") && msg.contains("at most 67108864"),
        "{msg}"
    );
    let msg = invalid(&claiming(&good, 8193, 8192));
    assert!(msg.contains("8193×8192"), "{msg}");
    // Past 65500 libjpeg itself refuses the header.
    let msg = invalid(&claiming(&good, 65535, 65535));
    assert!(msg.contains("65500"), "{msg}");
}

#[test]
fn refuses_cmyk() {
    let (w, h) = (16, 16);
    let pixels = vec![100u8; w * h * 4];
    let image = jpeg::Image {
        pixels: &pixels,
        width: w,
        height: h,
        format: jpeg::Format::Cmyk,
    };
    let cmyk = jpeg::encode(&image, 90, Sampling::S444, false).expect("compress");
    assert!(invalid(&cmyk).contains("CMYK"));
}

// ------------------------------------------------------------------ cancellation and progress

fn sized_input(scale: u64) -> Vec<u8> {
    let side = (384.0 * (scale as f64).sqrt()) as usize;
    jpeg(&photo(side, side, scale), side, side, 85, Sampling::S420)
}

fn as_cancel(result: Result<Ela, ElaError>) -> Result<(), Cancelled> {
    match result {
        Ok(_) => Ok(()),
        Err(ElaError::Cancelled) => Err(Cancelled),
        Err(other) => panic!("{other}"),
    }
}

#[test]
fn a_cancelled_context_stops_it() {
    let input = sized_input(1);
    let params = ElaParams {
        quality: 90,
        scale: 15.0,
    };
    assert_eq!(
        ela(&input, &params, &cancelled_ctx()),
        Err(ElaError::Cancelled)
    );
    check_cancel_midway(|ctx, scale| as_cancel(ela(&sized_input(scale), &params, ctx)));
}

#[test]
fn reports_progress() {
    let params = ElaParams {
        quality: 90,
        scale: 15.0,
    };
    check_progress(|ctx, scale| as_cancel(ela(&sized_input(scale), &params, ctx)));
}

// ------------------------------------------------------------------------- a spliced image

/// The spliced test image: a photo saved at quality 75, a patch of another photo pasted in
/// (off the 8×8 grid), the result saved again at [`SPLICE_RESAVE`], as an edited photo is.
pub(super) const SPLICE_SIZE: (usize, usize) = (512, 384);
/// The pasted rectangle: x, y, width, height.
pub(super) const SPLICE_PATCH: (usize, usize, usize, usize) = (197, 101, 128, 96);
/// The quality the edited image was saved at.
pub(super) const SPLICE_RESAVE: u8 = 95;

pub(super) fn spliced(resave: u8) -> Vec<u8> {
    let (w, h) = SPLICE_SIZE;
    let original = jpeg(&photo(w, h, 1), w, h, 75, Sampling::S420);
    let mut edited = decoded(&original);
    let other = photo(w, h, 2);
    let (px, py, pw, ph) = SPLICE_PATCH;
    for y in py..py + ph {
        let row = (y * w + px) * 3..(y * w + px + pw) * 3;
        edited[row.clone()].copy_from_slice(&other[row]);
    }
    jpeg(&edited, w, h, resave, Sampling::S420)
}

/// Mean error level inside the patch over the mean outside, from an unscaled map.
fn patch_ratio(map: &[u8]) -> f64 {
    let (w, _) = SPLICE_SIZE;
    let (px, py, pw, ph) = SPLICE_PATCH;
    let (mut inside, mut n_in, mut outside, mut n_out) = (0u64, 0u64, 0u64, 0u64);
    for (i, &d) in map.iter().enumerate() {
        let (x, y) = ((i / 3) % w, (i / 3) / w);
        if (px..px + pw).contains(&x) && (py..py + ph).contains(&y) {
            inside += u64::from(d);
            n_in += 1;
        } else {
            outside += u64::from(d);
            n_out += 1;
        }
    }
    (inside as f64 / n_in as f64) / (outside as f64 / n_out as f64)
}

#[test]
fn the_pasted_region_stands_out() {
    let input = spliced(SPLICE_RESAVE);
    for quality in [90, 75] {
        let (_, map) = png_samples(&run_ok(&input, quality, 1.0).png);
        let ratio = patch_ratio(&map);
        eprintln!("spliced, resaved at {SPLICE_RESAVE}: ELA at {quality}: patch/rest = {ratio:.2}");
        assert!(ratio > 2.0, "quality {quality}: {ratio}");
    }
    // Saved again at its original quality, the edit is much harder to see at quality 90: only
    // the number of saves differs. Reported, not asserted; it depends on the content.
    let again = spliced(75);
    for quality in [90, 75] {
        let (_, map) = png_samples(&run_ok(&again, quality, 1.0).png);
        eprintln!(
            "spliced, resaved at 75: ELA at {quality}: patch/rest = {:.2}",
            patch_ratio(&map)
        );
    }
}

/// The fixture the JavaScript tests use (`__test__/fixtures/ela-spliced.jpg`): [`spliced`].
/// Set `SPINDLE_WRITE_FIXTURES=1` to write it anew.
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../__test__/fixtures/ela-spliced.jpg"
);

#[test]
fn the_spliced_fixture_is_reproducible() {
    let made = spliced(SPLICE_RESAVE);
    if std::env::var_os("SPINDLE_WRITE_FIXTURES").is_some() {
        std::fs::write(FIXTURE, &made).expect("write the fixture");
    }
    let committed = std::fs::read(FIXTURE).expect("read the fixture");
    assert!(
        committed == made,
        "{FIXTURE} differs from what spliced() makes"
    );
}

/// Pillow 13 (libjpeg-turbo 3.1) on the fixture, for quality 90 and 75:
///
/// ```python
/// im = Image.open('ela-spliced.jpg'); buf = io.BytesIO(); im.save(buf, 'JPEG', quality=q)
/// diff = ImageChops.difference(im, Image.open(buf))
/// hashlib.sha256(diff.tobytes()).hexdigest(); a = numpy.asarray(diff); a.max(); a.mean()
/// ```
///
/// (The patch/rest ratios Pillow's maps give are 4.73 and 6.44, as ours.)
pub(super) const PILLOW: [(u8, &str, u8, f64); 2] = [
    (
        90,
        "04c1331e1ec93ba88f8e24ee2a17c0a50b0eb96903ef84bb6b732d45aa9d59c0",
        26,
        378_240.0 / 589_824.0,
    ),
    (
        75,
        "4000966892df0dd8ddeb4a07935e60f0f1a386c3738b7ccb73003810f782df91",
        41,
        403_132.0 / 589_824.0,
    ),
];

#[test]
fn the_map_equals_pillows_ela() {
    let input = std::fs::read(FIXTURE).expect("read the fixture");
    for (quality, digest, max, mean) in PILLOW {
        let out = run_ok(&input, quality, 1.0);
        let (_, map) = png_samples(&out.png);
        assert_eq!(hex_sha256(&map), digest, "quality {quality}");
        assert_eq!(out.max_difference, max);
        assert!(
            (out.mean_difference - mean).abs() < 1e-12,
            "{} vs {mean}",
            out.mean_difference
        );
    }
}

/// One case of [`the_codec_gives_the_bytes_it_always_gave`]: an image size, how its input JPEG
/// is saved (quality, sampling, progressive), the re-encode quality.
type CodecCase = ((usize, usize), u8, Sampling, bool, u8);

/// The SHA-256 of the input JPEG, of its decoded pixels, of the re-encoded whole image, and of
/// the ELA map, for one case.
fn codec_digest(case: &CodecCase) -> String {
    let &((w, h), quality, sampling, progressive, resave) = case;
    let pixels = photo(w, h, (w * 31 + h) as u64);
    let image = jpeg::Image {
        pixels: &pixels,
        width: w,
        height: h,
        format: jpeg::Format::Rgb,
    };
    let input = jpeg::encode(&image, quality, sampling, progressive).expect("compress");
    let (decoded, _, _) = decoded_image(&input);
    let again = jpeg(&decoded, w, h, resave, Sampling::S420);
    let (_, map) = png_samples(&run_ok(&input, resave, 1.0).png);
    let mut hasher = Sha256::new();
    for part in [&input, &decoded, &again, &map] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every step libjpeg-turbo has SIMD code for (RGB→YCbCr, 2×2 downsampling, the islow FDCT,
/// quantisation, Huffman coding; the islow IDCT, fancy 2×1 and 2×2 upsampling, YCbCr→RGB),
/// on odd and even sizes, every sampling the decoder meets, baseline and progressive: the
/// digests the C code (a build without NASM) gives. A build with libjpeg-turbo's SIMD must give
/// the same bytes, so this test passes on both; `jpeg::simd()` says which one ran.
#[test]
fn the_codec_gives_the_bytes_it_always_gave() {
    let cases: [(CodecCase, &str); 72] = [
        (
            ((1, 1), 75, Sampling::S420, false, 90),
            "bb0f8e7659d35e85a5f09d29c6dc95e2310c85c5c906ffa4fbae8f0fe266324a",
        ),
        (
            ((1, 1), 75, Sampling::S420, false, 75),
            "0e130f36c253039139f170d632a334fc613b40bed439a02ffc937035a451f7c0",
        ),
        (
            ((1, 1), 90, Sampling::S444, false, 90),
            "93267bd2ef5d5c22df71419168a6ca6483fd316eacb395c6d6bbd09c43b2a717",
        ),
        (
            ((1, 1), 90, Sampling::S444, false, 75),
            "dfcaf44e31ac8c5cd2e7cd7057717c62b6482bae4c6bb83595b3d2bfe3ef2138",
        ),
        (
            ((1, 1), 85, Sampling::S422, false, 90),
            "7b086307dc6bfcf3e17d6f41fa815c2cb96ff0a29c57bb7e7de6e8959ebfea81",
        ),
        (
            ((1, 1), 85, Sampling::S422, false, 75),
            "8040e534608f52347e6d414f908d6cc5c51159f61fc8588ab34507e2ab61b35e",
        ),
        (
            ((1, 1), 80, Sampling::S440, false, 90),
            "04c9aee8f4131a32d4857768817bf4c74ba1565ea686410f2317c428c52ee90d",
        ),
        (
            ((1, 1), 80, Sampling::S440, false, 75),
            "23eca21cafd1a1c63450ff8262b8176e2032295fe7d3e0cbf7b1fe189c9b7e8b",
        ),
        (
            ((1, 1), 70, Sampling::Gray, false, 90),
            "f1c575d7c1136fd75f187781ad1454f28a27c8aeec50febc392e1247c102f170",
        ),
        (
            ((1, 1), 70, Sampling::Gray, false, 75),
            "0e6f3c2f189c1817fe08379ed2f37a27b507476916065e0038bed4f49c34bffa",
        ),
        (
            ((1, 1), 85, Sampling::S420, true, 90),
            "f8f89e88ac3374c012b6239048e4c6d38f854da3a151f92685d5661adcc36d44",
        ),
        (
            ((1, 1), 85, Sampling::S420, true, 75),
            "f02dfd29abfdd325ea5dff9bce33cd2c0282556a563cdff87b7951dbfe42deab",
        ),
        (
            ((7, 5), 75, Sampling::S420, false, 90),
            "102f1f679b694571280b97692b78048e5064579e0c527266f56397e8f10a3ece",
        ),
        (
            ((7, 5), 75, Sampling::S420, false, 75),
            "7a8058af687bd0c9293b1b7a4f26b48772e351b73cebb9da3ff3ae25c904b8f4",
        ),
        (
            ((7, 5), 90, Sampling::S444, false, 90),
            "7156be5aeacfeb75ee9afa435e7c5c3cda8048452d695619e8d1e4c43382fac0",
        ),
        (
            ((7, 5), 90, Sampling::S444, false, 75),
            "2f6ae91a1ca8052707246438567c4f354f1540f4a9806edfbdf846e0f6f5ba48",
        ),
        (
            ((7, 5), 85, Sampling::S422, false, 90),
            "c61fc7740e8c9695b009e0388282e6365fe8b8805c8b112e884fc438a10c44c0",
        ),
        (
            ((7, 5), 85, Sampling::S422, false, 75),
            "682ef0b00dbafb3e24354db4c70405eedd9eb3e063b6bf315c29ed83f1df45df",
        ),
        (
            ((7, 5), 80, Sampling::S440, false, 90),
            "1cda312d7c2527ab342239ca6cb23907d3ee32c472634f75b72667cab95a09f7",
        ),
        (
            ((7, 5), 80, Sampling::S440, false, 75),
            "9f3f0a4fc6557f7889270e473af06a5c815c0da24d8f8636727643d48f505dbb",
        ),
        (
            ((7, 5), 70, Sampling::Gray, false, 90),
            "a9347b83041b6371caa3ac17bac5a19b01ea83c19825c5cdb4c43e2440911ede",
        ),
        (
            ((7, 5), 70, Sampling::Gray, false, 75),
            "6f5b6b8f7baec2a6adb1a573bdbec7a465dab77298fc0dd166888367b2f1eabf",
        ),
        (
            ((7, 5), 85, Sampling::S420, true, 90),
            "fd230ee5e3aac45d8e305397e51bba7707c586a463df0238b903296e7ecf4dbc",
        ),
        (
            ((7, 5), 85, Sampling::S420, true, 75),
            "d3a68516e1b3ab1519fa8bb33bfe79f62314f22c4b004f170463b6e654e5b079",
        ),
        (
            ((17, 33), 75, Sampling::S420, false, 90),
            "207b2ff5821f62e85ff5a9988f8b9389326bb0dc6580c444a3ddd6b0b1a8b3e8",
        ),
        (
            ((17, 33), 75, Sampling::S420, false, 75),
            "ebd5be6d44430b280fc39bf87e60ef0ebdfb30fee4e4dd994557f42d2bf62fdc",
        ),
        (
            ((17, 33), 90, Sampling::S444, false, 90),
            "76eb60e4b41f86ab4ab8f94a67d62d40ebacfd36cc35d65238fd63a4bb62a1c1",
        ),
        (
            ((17, 33), 90, Sampling::S444, false, 75),
            "2a38b5aec773a88f95629394ae53b0628b3875e348efcc44b34767004a14968a",
        ),
        (
            ((17, 33), 85, Sampling::S422, false, 90),
            "a5469fa4d37a8517c8e93927c4a450c52e6affef94c59799c164d2932aa271f8",
        ),
        (
            ((17, 33), 85, Sampling::S422, false, 75),
            "b495cd7a3fed87786c4207db6e2e970551870b1d239e76a58c1fbbbac876ea02",
        ),
        (
            ((17, 33), 80, Sampling::S440, false, 90),
            "5b84bae8ba6e3ee2b27fbf38531fd9b6e7aedee23492bb50ea3a3d2c80babf55",
        ),
        (
            ((17, 33), 80, Sampling::S440, false, 75),
            "84b1ffb055a1b57b5e988f095fbeeb7a7ee2664121cebd805fbd94d2fefcc5f6",
        ),
        (
            ((17, 33), 70, Sampling::Gray, false, 90),
            "f3db1157196851575ceb10a7bda7b766e20f66d0331fd54f8d466994370f6728",
        ),
        (
            ((17, 33), 70, Sampling::Gray, false, 75),
            "a3b3b3bfe01db81ca237c9cabd38fec153f2f2e3dbcca03f58b3478d9afd67bb",
        ),
        (
            ((17, 33), 85, Sampling::S420, true, 90),
            "6e855989b1a409f2e1c8f42792f453059d025074c290d5fcb5186e932a00295c",
        ),
        (
            ((17, 33), 85, Sampling::S420, true, 75),
            "00311b01bb819dcbb4c88ad1b9720fb039f97017b33cd0fd72594325b7ed20c4",
        ),
        (
            ((100, 70), 75, Sampling::S420, false, 90),
            "1ec89b86f269b50cbb45185e5ff45ed9d05f96e1a4b43b041ab616c48532dc88",
        ),
        (
            ((100, 70), 75, Sampling::S420, false, 75),
            "50ddf9c926bc319fde204b840c88f784726cf4922143b0c3fd969407bb69bf28",
        ),
        (
            ((100, 70), 90, Sampling::S444, false, 90),
            "207ef23d5235de5e503e52834a0c07a7e2815a75a83e3146564180df50da7260",
        ),
        (
            ((100, 70), 90, Sampling::S444, false, 75),
            "b5087bb050069e5db2798e424c52665d4c25721f19db755d1c6595c28b139b35",
        ),
        (
            ((100, 70), 85, Sampling::S422, false, 90),
            "2e7774118fb60617cfc178f838b96d8415e67aab81dff338439dab69001bb483",
        ),
        (
            ((100, 70), 85, Sampling::S422, false, 75),
            "8c510f72cd5431886ddbc9a814da201088319319da0fdc57d9ef3338658add06",
        ),
        (
            ((100, 70), 80, Sampling::S440, false, 90),
            "528aac87256a8d85058e24fd1c4a37fc5fa7f953fd486f6a36baa6309249704c",
        ),
        (
            ((100, 70), 80, Sampling::S440, false, 75),
            "f6c3082f5058858b5d1ff1458e92a014dc3c30d8678ddb3181d636ba46cca11d",
        ),
        (
            ((100, 70), 70, Sampling::Gray, false, 90),
            "9021b9b5cdd761e1d5dd6f82465e4d9c41a319ae4d5127b5a289a5355138e287",
        ),
        (
            ((100, 70), 70, Sampling::Gray, false, 75),
            "34e19230e1f0f7f365ba62552d11e3aa8929ab0a6012677d30719f5662dab87c",
        ),
        (
            ((100, 70), 85, Sampling::S420, true, 90),
            "b15226cb1559b270ca72503c7f2d78f2d437564aabb225433d50fe1552e09865",
        ),
        (
            ((100, 70), 85, Sampling::S420, true, 75),
            "ca7d6291388c2ef6f9eb36f1786270d1959e810b7f8d23789c704c04a36562f5",
        ),
        (
            ((301, 129), 75, Sampling::S420, false, 90),
            "5ee0f5528174b801d1c3eaabc1205d6f3dd3413aeaac3733f459992a4a642a19",
        ),
        (
            ((301, 129), 75, Sampling::S420, false, 75),
            "665d2e483fe4f2292912f0b70026afcdd4005e09985787f14ea480b5516a14fc",
        ),
        (
            ((301, 129), 90, Sampling::S444, false, 90),
            "94bc8dd9f9f6f7c60ddef6632abc7b733c315bccbfbb95a1551ed6e21a94de00",
        ),
        (
            ((301, 129), 90, Sampling::S444, false, 75),
            "ca161cef2599f240db003a5d8ff6283ad3cc1225be70d5a3300644e16e7bcb40",
        ),
        (
            ((301, 129), 85, Sampling::S422, false, 90),
            "2f9e74463c003b77a2bfdfc6e1a044e7cefdf91f853c3b2dcddda34126ec6add",
        ),
        (
            ((301, 129), 85, Sampling::S422, false, 75),
            "ed2930b5fb8338c2694d3f025898ec0eda60f8fa268b3e532bbc9b1159618281",
        ),
        (
            ((301, 129), 80, Sampling::S440, false, 90),
            "ca82b5cd683b599bda315b16c5302dcdeccfae4315176123e426deb455074e36",
        ),
        (
            ((301, 129), 80, Sampling::S440, false, 75),
            "77be3f48b4a9819228e742c775a75118029ea79f15db7b6fe37e0738eb2f7f0d",
        ),
        (
            ((301, 129), 70, Sampling::Gray, false, 90),
            "7cacd821ca4848fec3961d21467a00ccf75788774d1b13c992750322f33c268f",
        ),
        (
            ((301, 129), 70, Sampling::Gray, false, 75),
            "53eb1950522508ab4db61a88a8391f8f07896373c6c1870eefa5600a135d160a",
        ),
        (
            ((301, 129), 85, Sampling::S420, true, 90),
            "0b7f78d5a5836e440ff40cb9c47116afa0d257feea822ecf5cc3821e5e0981a7",
        ),
        (
            ((301, 129), 85, Sampling::S420, true, 75),
            "827fedf65b86bc1c9fcbf3e760fdd1714a79aed60f945e2ff8261f5575bf8ed0",
        ),
        (
            ((512, 384), 75, Sampling::S420, false, 90),
            "dccfd3a53143301cae8a923710b71de6cd55e7b18d39e6510ebb3f5c30a51ef9",
        ),
        (
            ((512, 384), 75, Sampling::S420, false, 75),
            "9e2e78bd2299df8776e3d9f60f76d9c641cd3b710f6fcc651195629fb981c8f6",
        ),
        (
            ((512, 384), 90, Sampling::S444, false, 90),
            "d8424097a25e8c6d492574faa44186c4012441f9e7d561afa2dd6f3d0287054a",
        ),
        (
            ((512, 384), 90, Sampling::S444, false, 75),
            "901fa0f1a8b581b39042eb06e3ef231fddd4e328e9440d0daa98c4d231918095",
        ),
        (
            ((512, 384), 85, Sampling::S422, false, 90),
            "a13714ac9dba2e1297882ec5da1195aa65b3a99d44eb5b9563356048a7dfb05d",
        ),
        (
            ((512, 384), 85, Sampling::S422, false, 75),
            "4cc7219562f4e06500edd27f7beb720fffa9171d959fa4969700dbf9aee4e494",
        ),
        (
            ((512, 384), 80, Sampling::S440, false, 90),
            "c1828f1f39a8e4147f9e27103ffcf749cf9867a30a99d080520d1d4367f67027",
        ),
        (
            ((512, 384), 80, Sampling::S440, false, 75),
            "0f1307b5221fffe482f63b3406d4a4b1ee50eb9b6f9aff0882b744c65eb818ca",
        ),
        (
            ((512, 384), 70, Sampling::Gray, false, 90),
            "0b41ad00fae46b7fc9ea1331fae27a4019e0b7c02844fd4654ca316fa51849b6",
        ),
        (
            ((512, 384), 70, Sampling::Gray, false, 75),
            "fa5d4ebf4cb42d57729ebae1604dc60b714ace6b34122900142ba0e5048ebcc4",
        ),
        (
            ((512, 384), 85, Sampling::S420, true, 90),
            "6976b45719627053157d595b4a45632f980b43ae65ae78e464d17ced2dab3e9d",
        ),
        (
            ((512, 384), 85, Sampling::S420, true, 75),
            "4b9042a874f22a5f966da4bd8ff2e52de682fb9cab30a7760f606785d91792f8",
        ),
    ];
    let mut failed = Vec::new();
    for (case, digest) in cases {
        let got = codec_digest(&case);
        if got != digest {
            failed.push(format!("{case:?}: {got}"));
        }
    }
    assert!(failed.is_empty(), "differ: {failed:#?}");
}
