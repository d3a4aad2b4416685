//! `ela`: Error Level Analysis of a JPEG: decode it, save it again as JPEG at a known quality,
//! decode that, and map how far every pixel moved. Regions that were pasted in (or otherwise
//! saved a different number of times, or at another quality) settle differently from the rest,
//! and stand out in the map.
//!
//! ELA only works when the re-encode behaves like the encoder that made the image, and the
//! decoder like the one that reads it. Both codecs here are libjpeg-turbo's, in the form of
//! MozJPEG (a libjpeg-turbo fork; the `mozjpeg-sys` crate compiles the source it bundles) with
//! every MozJPEG extension switched off, and its SIMD code where NASM was there to build it
//! (see [`crate::jpeg`]). They run at libjpeg's defaults, as TurboJPEG (and so Pillow) does: the
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
//!
//! The map is then written as a PNG ([`map_png`]).

mod map_png;

use rayon::prelude::*;

use crate::cancel::Cancelled;
use crate::ctx::Ctx;
use crate::jpeg;
use crate::spare::{self, Spare};

/// The largest image accepted, in pixels (2^26, e.g. 8192 × 8192). The kernel holds about ten
/// bytes per pixel at its peak (the decoded image, the map, the PNG and a strip per thread), so
/// this bounds it near 700 MB; the header is checked before anything is allocated.
pub const MAX_PIXELS: u64 = 1 << 26;

/// Rows of context a strip is encoded and decoded with, above and below the rows it keeps: one
/// MCU row at 4:2:0, which is also what keeps every strip on the whole image's block grid.
const MCU_ROWS: usize = 16;

/// Pixels a strip keeps, about: with its context rows a strip is 20 to 40 ms of codec work
/// here with libjpeg's C code (a third of that with its SIMD), the longest stretch between two
/// cancellation checks once the input is decoded.
const STRIP_PIXELS: usize = 1 << 19;

/// Progress weights per pixel of each phase, roughly their share of the run time on two
/// threads (decoding and the PNG are sequential, the strips parallel).
const DECODE_WEIGHT: u64 = 2;
const STRIP_WEIGHT: u64 = 7;
const PNG_WEIGHT: u64 = map_png::WEIGHT;

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
    /// larger than [`MAX_PIXELS`], more than [`jpeg::MAX_SCANS`] scans). The message says which.
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
    let png = map_png::encode(&map, width, height, &steps)?;
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
) -> Result<Spare<u8>, ElaError> {
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
///
/// In three passes over each [`DIFF_CHUNK`] bytes (in L1 between them), each a plain loop the
/// compiler vectorises, but for the table lookup, which stays one load and one store a byte: in
/// one fused loop the lookup kept the whole loop scalar (16 % of a whole `ela` call, ~2 ns a
/// byte).
fn difference(a: &[u8], b: &[u8], lut: &[u8; 256], out: &mut [u8]) -> Stats {
    let mut max = 0u8;
    let mut sum = 0u64;
    let chunks = out
        .chunks_mut(DIFF_CHUNK)
        .zip(a.chunks(DIFF_CHUNK).zip(b.chunks(DIFF_CHUNK)));
    for (out, (a, b)) in chunks {
        for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
            *o = x.abs_diff(y);
        }
        // u32 lanes cannot overflow: DIFF_CHUNK · 255 < 2³².
        let (mut chunk_max, mut chunk_sum) = (0u8, 0u32);
        for &d in out.iter() {
            chunk_max = chunk_max.max(d);
            chunk_sum += u32::from(d);
        }
        max = max.max(chunk_max);
        sum += u64::from(chunk_sum);
        for o in out.iter_mut() {
            *o = lut[usize::from(*o)];
        }
    }
    Stats { max, sum }
}

/// Bytes per pass of [`difference`]: its three buffers stay in L1 from one pass to the next.
const DIFF_CHUNK: usize = 4096;

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

/// A zeroed buffer, or an error instead of the process abort a failed allocation would be. A
/// spare one when it is large ([`crate::spare`]): fresh pages would cost a page fault per
/// 4 KiB on every call.
fn alloc(len: usize) -> Result<Spare<u8>, ElaError> {
    let mut v = spare::BYTES
        .try_take(len)
        .map_err(|_| ElaError::Internal(format!("out of memory allocating {len} bytes")))?;
    v.resize(len, 0);
    Ok(v)
}

fn internal(e: impl std::fmt::Display) -> ElaError {
    ElaError::Internal(e.to_string())
}

#[cfg(test)]
mod codec_test;
#[cfg(test)]
mod test;
