//! `ela`: Error Level Analysis of a JPEG: decode it, save it again as JPEG at a known quality,
//! decode that, and map how far every pixel moved. Regions that were pasted in (or otherwise
//! saved a different number of times, or at another quality) settle differently from the rest,
//! and stand out in the map.
//!
//! ELA only works when the re-encode behaves like the encoder that made the image, and the
//! decoder like the one that reads it. Both codecs here are libjpeg-turbo's C code, in the form
//! of MozJPEG (a libjpeg-turbo fork; the `mozjpeg-sys` crate compiles the source it bundles with
//! the `cc` crate, so building needs only a C compiler) with every MozJPEG extension switched
//! off (see [`jpeg`]). They run at libjpeg's defaults, as TurboJPEG (and so Pillow) does: the
//! accurate integer DCT and IDCT (`JDCT_ISLOW`), "fancy" (triangle-filter) chroma upsampling,
//! the Annex K quantisation tables scaled by IJG's quality formula, 4:2:0 chroma subsampling
//! (grayscale for grayscale sources), baseline Huffman coding with the standard tables. That is
//! what Pillow, ImageMagick, GIMP and browsers run, so the map equals Pillow's
//! `ImageChops.difference(im, Image.open(resaved))` after `im.save(resaved, 'JPEG', quality=q)`
//! bit for bit — the Python seed's `ela`.
//!
//! The re-encode runs in horizontal strips, in parallel. That gives exactly the pixels of one
//! whole-image re-encode: JPEG codes every 16×16 block (one 4:2:0 MCU) on its own, so a strip
//! whose rows start on a multiple of 16 quantises every block as the whole image would; only the
//! decoder's chroma upsampling looks one chroma row past a block, and each strip is encoded and
//! decoded with one MCU row of context above and below the rows it keeps.

use std::io::Write;

use rayon::prelude::*;

use crate::cancel::Cancelled;
use crate::ctx::{Ctx, Steps};

/// The largest image accepted, in pixels (2^26, e.g. 8192 × 8192). The kernel holds about ten
/// bytes per pixel at its peak (the decoded image, the map, the PNG and a strip per thread), so
/// this bounds it near 700 MB; the header is checked before anything is allocated.
pub const MAX_PIXELS: u64 = 1 << 26;

/// The most scans a progressive JPEG may have: a legitimate one has about ten, and a crafted
/// one with thousands makes the decoder redo the whole image for each (libjpeg-turbo's own
/// tools and TurboJPEG's `TJFLAG_LIMITSCANS` use the same limit).
pub const MAX_SCANS: u32 = 500;

/// Rows of context a strip is encoded and decoded with, above and below the rows it keeps: one
/// MCU row at 4:2:0, which is also what keeps every strip on the whole image's block grid.
const MCU_ROWS: usize = 16;

/// Pixels a strip keeps, about: with its context rows a strip is 20 to 40 ms of codec work
/// here (libjpeg's C code, without SIMD), the longest stretch between two cancellation checks once
/// the input is decoded.
const STRIP_PIXELS: usize = 1 << 19;

/// Rows of the map compressed into the PNG between two progress reports.
const PNG_BAND_PIXELS: usize = 1 << 16;

/// Progress weights per pixel of each phase, roughly their share of the run time on two
/// threads (decoding and the PNG are sequential, the strips parallel).
const DECODE_WEIGHT: u64 = 2;
const STRIP_WEIGHT: u64 = 7;
const PNG_WEIGHT: u64 = 3;

/// How a run of [`ela`] is done.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ElaParams {
    /// The JPEG quality of the re-encode, 1 to 100 (IJG's scale, as in Pillow's `quality=`).
    /// Values outside are clamped.
    pub quality: u8,
    /// What each difference is multiplied by in the map (clamped to 255 there). Meant to be
    /// finite and positive; a negative or NaN scale gives a black map.
    pub scale: f64,
}

/// The outcome of [`ela`].
#[derive(Clone, PartialEq)]
pub struct Ela {
    /// The map as a PNG: 8-bit RGB, not interlaced, `width` × `height`. Each sample is
    /// `min(255, round(difference × scale))` for the same sample of the image.
    pub png: Vec<u8>,
    /// The image's width in pixels.
    pub width: u32,
    /// The image's height in pixels.
    pub height: u32,
    /// The largest difference, unscaled: `max |original − resaved|` over every channel (R, G,
    /// B) of every pixel, 0 to 255.
    pub max_difference: u8,
    /// The mean difference, unscaled: the sum of `|original − resaved|` over every channel of
    /// every pixel, divided by `3 × width × height`.
    pub mean_difference: f64,
}

impl std::fmt::Debug for Ela {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ela")
            .field("png", &format_args!("[{} bytes]", self.png.len()))
            .field("width", &self.width)
            .field("height", &self.height)
            .field("max_difference", &self.max_difference)
            .field("mean_difference", &self.mean_difference)
            .finish()
    }
}

/// Why [`ela`] produced no map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElaError {
    /// The context was cancelled before or while it ran.
    Cancelled,
    /// The bytes are not a JPEG this kernel can decode (not a JPEG at all, truncated or corrupt
    /// — libjpeg's warnings count as errors —, CMYK, more than 8 bits per sample, lossless,
    /// larger than [`MAX_PIXELS`], more than [`MAX_SCANS`] scans). The message says which.
    InvalidImage(String),
    /// Something failed that no input explains (the codec could not start, memory ran out).
    Internal(String),
}

impl std::fmt::Display for ElaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ElaError::Cancelled => Cancelled.fmt(f),
            ElaError::InvalidImage(msg) => write!(f, "not a usable JPEG: {msg}"),
            ElaError::Internal(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for ElaError {}

impl From<Cancelled> for ElaError {
    fn from(_: Cancelled) -> Self {
        ElaError::Cancelled
    }
}

/// The Error Level Analysis of `jpeg`: see the module documentation for what is computed, and
/// [`Ela`] for the exact definitions of its fields.
///
/// The header is read first; an image larger than [`MAX_PIXELS`] is refused before anything is
/// allocated. Decoding the input is one uninterruptible step (about 10 ns per pixel here);
/// after it, cancellation is noticed within one strip (tens of milliseconds) or one PNG band
/// (about a millisecond). Progress counts weighted pixels of each phase.
///
/// Preconditions: none; every input gives a map or an [`ElaError`], never a panic.
pub fn ela(jpeg: &[u8], params: &ElaParams, ctx: &Ctx) -> Result<Ela, ElaError> {
    ctx.check()?;
    let header = read_header(jpeg)?;
    ela_in_strips(jpeg, header, params, strip_rows(header.width), ctx)
}

/// What [`ela`] needs of the input's header.
#[derive(Clone, Copy, Debug)]
struct Header {
    width: usize,
    height: usize,
    gray: bool,
}

/// The body of [`ela`], with the strip height (a multiple of [`MCU_ROWS`]) as a parameter so
/// the tests can cut small images into many strips.
fn ela_in_strips(
    jpeg: &[u8],
    header: Header,
    params: &ElaParams,
    strip_rows: usize,
    ctx: &Ctx,
) -> Result<Ela, ElaError> {
    let Header {
        width,
        height,
        gray,
    } = header;
    let pixels = (width * height) as u64;
    let steps = ctx.steps(pixels * (DECODE_WEIGHT + STRIP_WEIGHT + PNG_WEIGHT));
    steps.advance(0)?;

    let original = decode(jpeg, width, height, ElaError::InvalidImage)?;
    steps.advance(pixels * DECODE_WEIGHT)?;

    let lut = scale_table(params.scale);
    let quality = params.quality.clamp(1, 100);
    let sampling = if gray {
        jpeg::Sampling::Gray
    } else {
        jpeg::Sampling::S420
    };
    let row_bytes = width * 3;
    let mut map = alloc(height * row_bytes)?;
    let stats = map
        .par_chunks_mut(strip_rows * row_bytes)
        .enumerate()
        .map(|(i, out)| {
            let first = i * strip_rows;
            let rows = out.len() / row_bytes;
            let strip = Strip {
                original: &original,
                width,
                height,
                first,
                rows,
            };
            let stats = strip.compare(quality, sampling, &lut, out)?;
            steps.advance((rows * width) as u64 * STRIP_WEIGHT)?;
            Ok(stats)
        })
        .collect::<Result<Vec<Stats>, ElaError>>()?;
    drop(original);

    let max_difference = stats.iter().map(|s| s.max).max().unwrap_or(0);
    let sum: u64 = stats.iter().map(|s| s.sum).sum();
    let png = encode_png(&map, width, height, &steps)?;
    Ok(Ela {
        png,
        // Lossless: JPEG dimensions are 16-bit.
        width: width as u32,
        height: height as u32,
        max_difference,
        mean_difference: sum as f64 / (pixels * 3) as f64,
    })
}

/// Reads and checks the header: a decodable kind of JPEG, no larger than [`MAX_PIXELS`].
fn read_header(jpeg: &[u8]) -> Result<Header, ElaError> {
    if jpeg.is_empty() {
        return Err(ElaError::InvalidImage(
            "the input is empty (0 bytes)".into(),
        ));
    }
    let header = jpeg::read_header(jpeg).map_err(ElaError::InvalidImage)?;
    if header.cmyk {
        return Err(ElaError::InvalidImage(
            "CMYK and YCCK JPEGs are not supported".into(),
        ));
    }
    let (width, height) = (header.width, header.height);
    let pixels = (width as u64) * (height as u64);
    if pixels == 0 {
        return Err(ElaError::InvalidImage(format!(
            "the image is empty ({width}×{height} pixels)"
        )));
    }
    if pixels > MAX_PIXELS {
        return Err(ElaError::InvalidImage(format!(
            "the image is {width}×{height} = {pixels} pixels; ela accepts at most {MAX_PIXELS}"
        )));
    }
    Ok(Header {
        width,
        height,
        gray: header.gray,
    })
}

/// Decodes a `width` × `height` JPEG to RGB. Any failure, libjpeg's warnings included (a
/// truncated or corrupt stream is only a warning to libjpeg, which fills in gray), becomes
/// `error(message)`.
fn decode(
    jpeg: &[u8],
    width: usize,
    height: usize,
    error: fn(String) -> ElaError,
) -> Result<Vec<u8>, ElaError> {
    let mut pixels = alloc(width * height * 3)?;
    jpeg::decode_rgb(jpeg, width, height, &mut pixels).map_err(error)?;
    Ok(pixels)
}

/// Rows per strip for an image `width` pixels wide: about [`STRIP_PIXELS`], a multiple of
/// [`MCU_ROWS`], and at least eight MCU rows so the context rows cost at most a quarter more.
fn strip_rows(width: usize) -> usize {
    let rows = STRIP_PIXELS.div_ceil(width.max(1));
    rows.div_ceil(MCU_ROWS).max(8) * MCU_ROWS
}

/// The largest and the summed difference of some samples.
#[derive(Clone, Copy, Debug, Default)]
struct Stats {
    max: u8,
    sum: u64,
}

/// Rows `first .. first + rows` of the decoded input (`first` a multiple of [`MCU_ROWS`]).
struct Strip<'a> {
    original: &'a [u8],
    width: usize,
    height: usize,
    first: usize,
    rows: usize,
}

impl Strip<'_> {
    /// Re-encodes the strip with its context rows, decodes that, and writes the scaled
    /// differences of the strip's own rows to `out`.
    fn compare(
        &self,
        quality: u8,
        sampling: jpeg::Sampling,
        lut: &[u8; 256],
        out: &mut [u8],
    ) -> Result<Stats, ElaError> {
        let row_bytes = self.width * 3;
        let top = self.first.saturating_sub(MCU_ROWS);
        let bottom = (self.first + self.rows + MCU_ROWS).min(self.height);
        let context = &self.original[top * row_bytes..bottom * row_bytes];

        let image = jpeg::Image {
            pixels: context,
            width: self.width,
            height: bottom - top,
            format: jpeg::Format::Rgb,
        };
        let resaved = jpeg::encode(&image, quality, sampling, false)
            .map_err(|msg| internal(format!("re-encoding failed: {msg}")))?;
        let resaved = decode(&resaved, self.width, bottom - top, |msg| {
            ElaError::Internal(format!("decoding the re-encoded strip failed: {msg}"))
        })?;

        let skip = (self.first - top) * row_bytes;
        let len = self.rows * row_bytes;
        let original = &self.original[self.first * row_bytes..][..len];
        let resaved = &resaved[skip..][..len];
        Ok(difference(original, resaved, lut, out))
    }
}

/// `out[i] = lut[|a[i] − b[i]|]`, with the largest and summed difference.
fn difference(a: &[u8], b: &[u8], lut: &[u8; 256], out: &mut [u8]) -> Stats {
    let mut max = 0u8;
    let mut sum = 0u64;
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        let d = x.abs_diff(y);
        max = max.max(d);
        sum += u64::from(d);
        *o = lut[usize::from(d)];
    }
    Stats { max, sum }
}

/// `min(255, round(d × scale))` for every difference `d`, rounding halves up (as JavaScript's
/// `Math.round` does for these non-negative values), so both backends agree exactly.
fn scale_table(scale: f64) -> [u8; 256] {
    let mut lut = [0u8; 256];
    for (d, v) in lut.iter_mut().enumerate() {
        let scaled = (d as f64 * scale).round();
        // Written so that NaN (a NaN scale, or 0 × ∞) gives 0, as it does in a Uint8Array.
        *v = if scaled >= 255.0 {
            255
        } else if scaled > 0.0 {
            scaled as u8
        } else {
            0
        };
    }
    lut
}

/// The map as an 8-bit RGB, non-interlaced PNG, written band by band.
fn encode_png(map: &[u8], width: usize, height: usize, steps: &Steps) -> Result<Vec<u8>, ElaError> {
    // Lossless: JPEG dimensions are 16-bit.
    let (w, h) = (width as u32, height as u32);
    // An ELA map is mostly small values: it compresses to well under a third of its size.
    let mut png = Vec::with_capacity(map.len() / 3 + 1024);
    let mut encoder = png::Encoder::new(&mut png, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Measured on a 12-megapixel map at scale 15 (noise-like, which PNG's filters only make
    // worse): zlib level 2 without filtering gives 5.6 MB in 0.2 s; fdeflate ("Fast") 20 MB in
    // the same time; level 6 ("Balanced") 4.3 MB in 2 s.
    encoder.set_deflate_compression(png::DeflateCompression::Level(2));
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header().map_err(internal)?;
    let mut stream = writer.stream_writer().map_err(internal)?;
    let band_rows = PNG_BAND_PIXELS.div_ceil(width).max(1);
    for band in map.chunks(band_rows * width * 3) {
        stream.write_all(band).map_err(internal)?;
        steps.advance((band.len() / 3) as u64 * PNG_WEIGHT)?;
    }
    stream.finish().map_err(internal)?;
    writer.finish().map_err(internal)?;
    Ok(png)
}

/// A zeroed buffer, or an error instead of the process abort a failed allocation would be.
fn alloc(len: usize) -> Result<Vec<u8>, ElaError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| ElaError::Internal(format!("out of memory allocating {len} bytes")))?;
    v.resize(len, 0);
    Ok(v)
}

fn internal(e: impl std::fmt::Display) -> ElaError {
    ElaError::Internal(e.to_string())
}

/// libjpeg, behind the three calls `ela` needs, each of which returns libjpeg's error message
/// instead of exiting or unwinding.
///
/// The library is MozJPEG's build of libjpeg-turbo's C code (`mozjpeg-sys`, compiled with the
/// `cc` crate; no CMake, no NASM, so no SIMD: the C code is what the SIMD code is checked
/// against, and gives the same pixels). MozJPEG's encoder is set to its `JCP_FASTEST` profile
/// before its defaults are set, which makes them libjpeg's and libjpeg-turbo's, and the
/// MozJPEG-only settings are then switched off one by one all the same (trellis quantisation,
/// its other quantisation tables, progressive scans and their optimisation, overshoot
/// deringing, Huffman optimisation). What is left is what TurboJPEG's `tj3Compress8` and
/// `tj3Decompress8` run, call for call: see [`encode`] and [`decode_rgb`].
///
/// A libjpeg error ends in its `error_exit` hook, which here unwinds (the C code is compiled
/// with `-fexceptions`, and the hooks are `extern "C-unwind"`) with a private payload up to the
/// call's [`catch`], which turns it back into the message; the codec's state is freed on the
/// way by its owner's `Drop`. A warning (a corrupt or truncated stream, which libjpeg would
/// patch up with gray) does the same: as in TurboJPEG, where any warning fails the call.
mod jpeg {
    use std::marker::PhantomData;
    use std::mem;
    use std::os::raw::{c_int, c_ulong, c_void};
    use std::panic::{self, AssertUnwindSafe};
    use std::ptr::{self, NonNull};

    use mozjpeg_sys as ffi;

    use super::MAX_SCANS;

    /// The chroma subsampling of an encode.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) enum Sampling {
        /// 4:2:0, YCbCr.
        S420,
        /// 4:4:4, YCbCr.
        #[cfg(test)]
        S444,
        /// One component, luma only.
        Gray,
    }

    /// The layout of the pixels given to [`encode`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) enum Format {
        /// Three bytes a pixel: R, G, B.
        Rgb,
        /// Four bytes a pixel: C, M, Y, K (written as YCCK).
        #[cfg(test)]
        Cmyk,
    }

    impl Format {
        fn components(self) -> usize {
            match self {
                Format::Rgb => 3,
                #[cfg(test)]
                Format::Cmyk => 4,
            }
        }
    }

    /// Pixels to encode: `height` rows of `width` pixels, packed.
    #[derive(Clone, Copy, Debug)]
    pub(super) struct Image<'a> {
        pub pixels: &'a [u8],
        pub width: usize,
        pub height: usize,
        pub format: Format,
    }

    /// What [`read_header`] reports.
    #[derive(Clone, Copy, Debug)]
    pub(super) struct Info {
        pub width: usize,
        pub height: usize,
        /// One component, grayscale.
        pub gray: bool,
        /// CMYK or YCCK.
        pub cmyk: bool,
    }

    /// The frame header of `jpeg` (libjpeg's `jpeg_read_header`, which also reads and checks
    /// every table before the first scan).
    pub(super) fn read_header(jpeg: &[u8]) -> Result<Info, String> {
        catch(|| {
            let mut d = Decompress::new(jpeg);
            let c = d.cinfo();
            Info {
                width: c.image_width as usize,
                height: c.image_height as usize,
                gray: c.jpeg_color_space == ffi::JCS_GRAYSCALE,
                cmyk: matches!(c.jpeg_color_space, ffi::JCS_CMYK | ffi::JCS_YCCK),
            }
        })
    }

    /// Decodes `jpeg`, which must be `width` × `height`, to RGB in `out` (`width × height × 3`
    /// bytes), as `tj3Decompress8` does: the accurate integer IDCT, fancy upsampling, at most
    /// [`MAX_SCANS`] scans.
    pub(super) fn decode_rgb(
        jpeg: &[u8],
        width: usize,
        height: usize,
        out: &mut [u8],
    ) -> Result<(), String> {
        let row_bytes = width * 3;
        assert_eq!(out.len(), row_bytes * height, "the output buffer's size");
        catch(|| {
            let mut d = Decompress::new(jpeg);
            let c = d.cinfo();
            if (c.image_width as usize, c.image_height as usize) != (width, height) {
                raise(format!(
                    "the image is {}×{} pixels, not the {width}×{height} expected",
                    c.image_width, c.image_height
                ));
            }
            c.out_color_space = ffi::JCS_EXT_RGB;
            c.dct_method = ffi::J_DCT_METHOD::JDCT_ISLOW;
            c.do_fancy_upsampling = 1;
            c.scale_num = 1;
            c.scale_denom = 1;
            // SAFETY: `c` is a decompressor that has read its header.
            unsafe { ffi::jpeg_start_decompress(c) };
            if (
                c.output_width as usize,
                c.output_height as usize,
                c.output_components,
            ) != (width, height, 3)
            {
                raise("unexpected output dimensions".into());
            }
            let base = out.as_mut_ptr();
            let mut rows: [*mut u8; 16] = [ptr::null_mut(); 16];
            while (c.output_scanline as usize) < height {
                let first = c.output_scanline as usize;
                let n = (height - first).min(rows.len());
                for (i, row) in rows[..n].iter_mut().enumerate() {
                    // SAFETY: row `first + i` < `height` lies within `out`.
                    *row = unsafe { base.add((first + i) * row_bytes) };
                }
                // SAFETY: the `n` row pointers each point to `width × 3` writable bytes of
                // `out`, the width of an RGB output row.
                let read = unsafe { ffi::jpeg_read_scanlines(c, rows.as_mut_ptr(), n as u32) };
                if read == 0 {
                    raise("the decoder returned no rows".into());
                }
            }
            // Reads on to the EOI marker: a missing one is a warning, so an error here.
            // SAFETY: every scanline has been read.
            unsafe { ffi::jpeg_finish_decompress(c) };
        })
    }

    /// `image` as a baseline (or, for tests, progressive) JPEG at `quality` (1 to 100), as
    /// `tj3Compress8` makes it with `TJPARAM_QUALITY` and `TJPARAM_SUBSAMP` set and every other
    /// parameter at its default.
    pub(super) fn encode(
        image: &Image<'_>,
        quality: u8,
        sampling: Sampling,
        progressive: bool,
    ) -> Result<Vec<u8>, String> {
        let Image {
            pixels,
            width,
            height,
            format,
        } = *image;
        let row_bytes = width * format.components();
        if width == 0 || height == 0 || pixels.len() < row_bytes * height {
            return Err(format!(
                "{} bytes are not a {width}×{height} image",
                pixels.len()
            ));
        }
        let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
            return Err(format!("{width}×{height} is too large"));
        };
        catch(|| {
            let mut e = Compress::new();
            let c = e.cinfo();
            c.image_width = w;
            c.image_height = h;
            c.input_components = format.components() as c_int;
            c.in_color_space = match format {
                Format::Rgb => ffi::JCS_EXT_RGB,
                #[cfg(test)]
                Format::Cmyk => ffi::JCS_CMYK,
            };
            // SAFETY (all the calls below): `c` is a compressor in its start state, as these
            // calls require; each is given valid arguments.
            unsafe {
                // libjpeg's defaults instead of MozJPEG's: baseline, no trellis quantisation,
                // the Annex K tables, no deringing, no Huffman optimisation. Must come first:
                // `jpeg_set_defaults` reads it.
                ffi::jpeg_c_set_int_param(c, ffi::JINT_COMPRESS_PROFILE, ffi::JCP_FASTEST as c_int);
                ffi::jpeg_set_defaults(c);
                // What JCP_FASTEST implies, made explicit: table 0 is Annex K, and
                // `jpeg_set_quality` below scales the table this selects.
                ffi::jpeg_c_set_int_param(c, ffi::JINT_BASE_QUANT_TBL_IDX, 0);
                ffi::jpeg_c_set_int_param(c, ffi::JINT_DC_SCAN_OPT_MODE, 0);
                for param in [
                    ffi::JBOOLEAN_TRELLIS_QUANT,
                    ffi::JBOOLEAN_TRELLIS_QUANT_DC,
                    ffi::JBOOLEAN_TRELLIS_EOB_OPT,
                    ffi::JBOOLEAN_TRELLIS_Q_OPT,
                    ffi::JBOOLEAN_USE_SCANS_IN_TRELLIS,
                    ffi::JBOOLEAN_OPTIMIZE_SCANS,
                    ffi::JBOOLEAN_OVERSHOOT_DERINGING,
                ] {
                    ffi::jpeg_c_set_bool_param(c, param, 0);
                }
                // From here on, TurboJPEG's setCompDefaults().
                ffi::jpeg_set_quality(c, c_int::from(quality.clamp(1, 100)), 1);
                c.dct_method = ffi::J_DCT_METHOD::JDCT_ISLOW;
                let space = match (format, sampling) {
                    (_, Sampling::Gray) => ffi::JCS_GRAYSCALE,
                    #[cfg(test)]
                    (Format::Cmyk, _) => ffi::JCS_YCCK,
                    _ => ffi::JCS_YCbCr,
                };
                ffi::jpeg_set_colorspace(c, space);
                c.optimize_coding = 0;
                if progressive {
                    ffi::jpeg_simple_progression(c);
                }
                c.arith_code = 0;
            }
            let luma = match sampling {
                Sampling::S420 => 2,
                #[cfg(test)]
                Sampling::S444 => 1,
                Sampling::Gray => 1,
            };
            let components = c.num_components as usize;
            // SAFETY: `jpeg_set_colorspace` has set up `num_components` entries of `comp_info`.
            let comps = unsafe { std::slice::from_raw_parts_mut(c.comp_info, components) };
            for (i, comp) in comps.iter_mut().enumerate() {
                let f = if i == 0 || i == 3 { luma } else { 1 };
                comp.h_samp_factor = f;
                comp.v_samp_factor = f;
            }
            // SAFETY: the parameters are set; the destination manager is installed.
            unsafe { ffi::jpeg_start_compress(c, 1) };
            let base = pixels.as_ptr();
            let mut rows: [*const u8; 16] = [ptr::null(); 16];
            while (c.next_scanline as usize) < height {
                let first = c.next_scanline as usize;
                let n = (height - first).min(rows.len());
                for (i, row) in rows[..n].iter_mut().enumerate() {
                    // SAFETY: row `first + i` < `height` lies within `pixels`.
                    *row = unsafe { base.add((first + i) * row_bytes) };
                }
                // SAFETY: the `n` row pointers each point to a full input row of `pixels`.
                let written = unsafe { ffi::jpeg_write_scanlines(c, rows.as_ptr(), n as u32) };
                if written == 0 {
                    raise("the encoder took no rows".into());
                }
            }
            // SAFETY: every scanline has been written.
            unsafe { ffi::jpeg_finish_compress(c) };
            e.take_output()
        })
    }

    // ------------------------------------------------------------------- errors as unwinds

    /// The payload a libjpeg error unwinds with, up to [`catch`].
    struct Raised(String);

    /// Unwinds to the enclosing [`catch`] with `message`, without the panic hook's report.
    fn raise(message: String) -> ! {
        panic::resume_unwind(Box::new(Raised(message)))
    }

    /// Runs `f`, turning a [`raise`] in it (libjpeg's errors and warnings included) into
    /// `Err(message)`. Any other panic goes on unwinding.
    fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
        match panic::catch_unwind(AssertUnwindSafe(f)) {
            Ok(value) => Ok(value),
            Err(payload) => match payload.downcast::<Raised>() {
                Ok(raised) => Err(raised.0),
                Err(other) => panic::resume_unwind(other),
            },
        }
    }

    /// The size of the buffer libjpeg's `format_message` writes (`JMSG_LENGTH_MAX`).
    const MESSAGE_LEN: usize = 200;

    /// libjpeg's text for its current message.
    fn message(cinfo: &mut ffi::jpeg_common_struct) -> String {
        let mut buffer = [0u8; MESSAGE_LEN];
        // SAFETY: `err` is the error manager `jpeg_std_error` set up, whose `format_message`
        // writes at most JMSG_LENGTH_MAX bytes, NUL included, to its second argument. The
        // binding declares that argument as `&[u8; 80]`: the pointer is passed as it is.
        unsafe {
            if let Some(format) = (*cinfo.err).format_message {
                let format = mem::transmute::<
                    unsafe extern "C-unwind" fn(&mut ffi::jpeg_common_struct, &[u8; 80]),
                    unsafe extern "C-unwind" fn(*mut ffi::jpeg_common_struct, *mut u8),
                >(format);
                format(cinfo, buffer.as_mut_ptr());
            }
        }
        let len = buffer.iter().position(|&b| b == 0).unwrap_or(MESSAGE_LEN);
        let text = String::from_utf8_lossy(&buffer[..len]).into_owned();
        if text.is_empty() {
            // SAFETY: as above.
            format!("libjpeg error {}", unsafe { (*cinfo.err).msg_code })
        } else {
            text
        }
    }

    /// libjpeg's fatal errors.
    extern "C-unwind" fn error_exit(cinfo: &mut ffi::jpeg_common_struct) {
        raise(message(cinfo))
    }

    /// libjpeg's warnings (level −1) fail the call, as in TurboJPEG; its trace messages
    /// (levels 0 and up) are ignored.
    extern "C-unwind" fn emit_message(cinfo: &mut ffi::jpeg_common_struct, level: c_int) {
        if level < 0 {
            raise(message(cinfo))
        }
    }

    /// Nothing is ever printed.
    extern "C-unwind" fn output_message(_cinfo: &mut ffi::jpeg_common_struct) {}

    /// An error manager whose errors and warnings [`raise`].
    fn error_mgr() -> ffi::jpeg_error_mgr {
        // SAFETY: an all-zero `jpeg_error_mgr` (null pointers, no hooks) is valid, and
        // `jpeg_std_error` only fills it in.
        let mut err: ffi::jpeg_error_mgr = unsafe { mem::zeroed() };
        // SAFETY: as above.
        unsafe { ffi::jpeg_std_error(&mut err) };
        err.error_exit = Some(error_exit);
        err.emit_message = Some(emit_message);
        err.output_message = Some(output_message);
        err
    }

    // --------------------------------------------------------------------------- decoding

    /// A decompressor and what it points to, in one allocation that libjpeg's pointers
    /// (`err`, `progress`, `client_data`) point into.
    #[repr(C)]
    struct Decoder {
        cinfo: ffi::jpeg_decompress_struct,
        err: ffi::jpeg_error_mgr,
        progress: ffi::jpeg_progress_mgr,
    }

    /// An owned [`Decoder`] reading `'a` bytes; dropping it frees everything libjpeg holds.
    struct Decompress<'a> {
        decoder: NonNull<Decoder>,
        _input: PhantomData<&'a [u8]>,
    }

    impl<'a> Decompress<'a> {
        /// A decompressor that has read the header of `jpeg` (raises on failure).
        fn new(jpeg: &'a [u8]) -> Self {
            let decoder = Box::new(Decoder {
                // SAFETY: all-zero is the state `jpeg_CreateDecompress` expects to start
                // from (and that `jpeg_destroy` accepts if creation fails).
                cinfo: unsafe { mem::zeroed() },
                err: error_mgr(),
                progress: ffi::jpeg_progress_mgr {
                    progress_monitor: Some(limit_scans),
                    pass_counter: 0,
                    pass_limit: 0,
                    completed_passes: 0,
                    total_passes: 0,
                },
            });
            // From here on `Drop` frees it, whatever raises below.
            let mut this = Decompress {
                decoder: NonNull::from(Box::leak(decoder)),
                _input: PhantomData,
            };
            let d = this.decoder.as_ptr();
            // SAFETY: `d` is valid and stays put until `drop`; the struct size given is the
            // binding's, which matches the library's (ABI 62).
            unsafe {
                (*d).cinfo.common.err = ptr::addr_of_mut!((*d).err);
                (*d).cinfo.common.client_data = d.cast::<c_void>();
                ffi::jpeg_create_decompress(ptr::addr_of_mut!((*d).cinfo));
                // `jpeg_CreateDecompress` zeroes everything but `err` and `client_data`.
                (*d).cinfo.common.progress = ptr::addr_of_mut!((*d).progress);
            }
            let c = this.cinfo();
            let len = c_ulong::try_from(jpeg.len()).unwrap_or(c_ulong::MAX);
            // SAFETY: `jpeg` outlives `this` ('a); libjpeg only reads it.
            unsafe {
                ffi::jpeg_mem_src(c, jpeg.as_ptr(), len);
                ffi::jpeg_read_header(c, 1);
            }
            this
        }

        fn cinfo(&mut self) -> &mut ffi::jpeg_decompress_struct {
            // SAFETY: the decoder is valid while `self` is, and only reached through `self`.
            unsafe { &mut (*self.decoder.as_ptr()).cinfo }
        }
    }

    impl Drop for Decompress<'_> {
        fn drop(&mut self) {
            // SAFETY: the decoder came from `Box::leak` and is freed only here, after libjpeg
            // has released everything it allocated (safe in any state, even a failed create).
            unsafe {
                ffi::jpeg_destroy_decompress(self.cinfo());
                drop(Box::from_raw(self.decoder.as_ptr()));
            }
        }
    }

    /// libjpeg's progress hook: refuses a scan past the [`MAX_SCANS`]th (as TurboJPEG's
    /// `TJPARAM_SCANLIMIT` does, with its message).
    extern "C-unwind" fn limit_scans(cinfo: &mut ffi::jpeg_common_struct) {
        let decoder = cinfo.client_data.cast::<Decoder>();
        // SAFETY: the hook is only installed on a `Decoder`'s `cinfo`, whose `client_data`
        // points to that decoder; `input_scan_number` is outside the `common` part borrowed.
        let scan = unsafe { (*decoder).cinfo.input_scan_number };
        if i64::from(scan) > i64::from(MAX_SCANS) {
            raise(format!(
                "Progressive JPEG image has more than {MAX_SCANS} scans"
            ));
        }
    }

    // --------------------------------------------------------------------------- encoding

    /// A compressor and what it points to, in one allocation, as for [`Decoder`]; the
    /// destination manager writes into `output`.
    #[repr(C)]
    struct Encoder {
        cinfo: ffi::jpeg_compress_struct,
        err: ffi::jpeg_error_mgr,
        dest: ffi::jpeg_destination_mgr,
        output: Vec<u8>,
    }

    /// An owned [`Encoder`]; dropping it frees everything libjpeg holds.
    struct Compress {
        encoder: NonNull<Encoder>,
    }

    impl Compress {
        /// A compressor in its start state (raises on failure).
        fn new() -> Self {
            let encoder = Box::new(Encoder {
                // SAFETY: as for `Decoder`.
                cinfo: unsafe { mem::zeroed() },
                err: error_mgr(),
                dest: ffi::jpeg_destination_mgr {
                    next_output_byte: ptr::null_mut(),
                    free_in_buffer: 0,
                    init_destination: Some(init_destination),
                    empty_output_buffer: Some(empty_output_buffer),
                    term_destination: Some(term_destination),
                },
                output: Vec::new(),
            });
            let this = Compress {
                encoder: NonNull::from(Box::leak(encoder)),
            };
            let e = this.encoder.as_ptr();
            // SAFETY: as for `Decompress::new`.
            unsafe {
                (*e).cinfo.common.err = ptr::addr_of_mut!((*e).err);
                (*e).cinfo.common.client_data = e.cast::<c_void>();
                ffi::jpeg_create_compress(ptr::addr_of_mut!((*e).cinfo));
                (*e).cinfo.dest = ptr::addr_of_mut!((*e).dest);
            }
            this
        }

        fn cinfo(&mut self) -> &mut ffi::jpeg_compress_struct {
            // SAFETY: as for `Decompress::cinfo`.
            unsafe { &mut (*self.encoder.as_ptr()).cinfo }
        }

        /// The JPEG written, once `jpeg_finish_compress` has returned.
        fn take_output(&mut self) -> Vec<u8> {
            // SAFETY: as for `Decompress::cinfo`.
            unsafe { mem::take(&mut (*self.encoder.as_ptr()).output) }
        }
    }

    impl Drop for Compress {
        fn drop(&mut self) {
            // SAFETY: as for `Decompress`.
            unsafe {
                ffi::jpeg_destroy_compress(self.cinfo());
                drop(Box::from_raw(self.encoder.as_ptr()));
            }
        }
    }

    /// The [`Encoder`] a compressor's hook is called for.
    fn encoder_of(cinfo: &mut ffi::jpeg_compress_struct) -> *mut Encoder {
        cinfo.common.client_data.cast::<Encoder>()
    }

    /// Hands libjpeg the spare capacity of the output (growing it first).
    ///
    /// # Safety
    /// `e` is a live [`Encoder`], and `e.output`'s length covers every byte written.
    unsafe fn offer_space(e: *mut Encoder) {
        // SAFETY: per the contract; `output` and `dest` lie outside the `cinfo` that the
        // calling hook borrows.
        unsafe {
            let output = &mut (*e).output;
            let more = output.len().max(1 << 16);
            if output.try_reserve(more).is_err() {
                raise(format!(
                    "out of memory growing the JPEG past {} bytes",
                    output.len()
                ));
            }
            (*e).dest.next_output_byte = output.as_mut_ptr().add(output.len());
            (*e).dest.free_in_buffer = output.capacity() - output.len();
        }
    }

    extern "C-unwind" fn init_destination(cinfo: &mut ffi::jpeg_compress_struct) {
        let e = encoder_of(cinfo);
        // SAFETY: the hooks are only installed on an `Encoder`'s `cinfo`; the output is empty.
        unsafe {
            (*e).output.clear();
            offer_space(e);
        }
    }

    extern "C-unwind" fn empty_output_buffer(
        cinfo: &mut ffi::jpeg_compress_struct,
    ) -> ffi::boolean {
        let e = encoder_of(cinfo);
        // SAFETY: libjpeg calls this once it has filled all the space last offered, which
        // was the output's whole spare capacity.
        unsafe {
            let output = &mut (*e).output;
            output.set_len(output.capacity());
            offer_space(e);
        }
        1
    }

    extern "C-unwind" fn term_destination(cinfo: &mut ffi::jpeg_compress_struct) {
        let e = encoder_of(cinfo);
        // SAFETY: libjpeg has written all but `free_in_buffer` bytes of the space offered.
        unsafe {
            let output = &mut (*e).output;
            output.set_len(output.capacity() - (*e).dest.free_in_buffer);
        }
    }
}

#[cfg(test)]
#[path = "ela_test.rs"]
mod test;
