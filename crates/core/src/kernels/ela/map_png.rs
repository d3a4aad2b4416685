//! The ELA map as a PNG.

use std::io::Write;

use super::{internal, ElaError};
use crate::ctx::Steps;

/// Progress weight per pixel of the PNG step (see the other phases' in the parent module).
pub(super) const WEIGHT: u64 = 3;

/// Rows of the map compressed into the PNG between two progress reports.
const BAND_PIXELS: usize = 1 << 16;

/// The map (`width × height` RGB samples) as an 8-bit RGB, non-interlaced PNG, written band by
/// band.
pub(super) fn encode(
    map: &[u8],
    width: usize,
    height: usize,
    steps: &Steps,
) -> Result<Vec<u8>, ElaError> {
    // Lossless: JPEG dimensions are 16-bit.
    let (w, h) = (width as u32, height as u32);
    // An ELA map is mostly small values: it compresses to about a third of its size.
    let mut png = Vec::with_capacity(map.len() / 3 + 1024);
    let mut encoder = png::Encoder::new(&mut png, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Chosen by measurement (crates/core/examples/ela_bench.rs, the benchmark's 512×384 map at
    // scale 15, 590 KB raw; medians of 31 runs' thread CPU time on a loaded machine): zlib-rs
    // level 1 (its deflate_quick) without filtering gives 198 KB in 3.1 ms; level 2, the
    // previous setting (with miniz_oxide then, no faster), 129 KB in 6.3 ms; level 3 119 KB in
    // 9 ms; fdeflate
    // ("Fast") 321 KB in 4.2 ms; any filter (Up, Sub, Paeth, Adaptive) only makes the map, which
    // is noise-like, larger and slower to write; stored, 592 KB in 0.9 ms.
    encoder.set_deflate_compression(png::DeflateCompression::Level(1));
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header().map_err(internal)?;
    let mut stream = writer.stream_writer().map_err(internal)?;
    let band_rows = BAND_PIXELS.div_ceil(width).max(1);
    for band in map.chunks(band_rows * width * 3) {
        stream.write_all(band).map_err(internal)?;
        steps.advance((band.len() / 3) as u64 * WEIGHT)?;
    }
    stream.finish().map_err(internal)?;
    writer.finish().map_err(internal)?;
    Ok(png)
}
