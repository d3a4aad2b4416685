//! libjpeg, behind the three calls `ela` needs ([`read_header`], [`decode_rgb`], [`encode`]),
//! each of which returns libjpeg's error message instead of exiting or unwinding.
//!
//! The library is MozJPEG's build of libjpeg-turbo (`mozjpeg-sys`, compiled with the `cc`
//! crate; no CMake). Where NASM is installed at build time, libjpeg-turbo's x86 SIMD code is
//! assembled in and picks SSE2 or AVX2 at run time; without NASM the build falls back to the C
//! code ([`simd`] says which). Both give the same bytes for what is used here: the accurate
//! integer DCT and IDCT, RGB↔YCbCr, 2×2 downsampling, fancy upsampling and Huffman coding are
//! bit-exact in libjpeg-turbo's SIMD (checked by `the_codec_gives_the_bytes_it_always_gave` in
//! the `ela` tests, whose digests come from the C build and pass on both).
//!
//! MozJPEG's encoder is set to its `JCP_FASTEST` profile before its defaults are set, which
//! makes them libjpeg's and libjpeg-turbo's, and the MozJPEG-only settings are then switched
//! off one by one all the same (trellis quantisation, its other quantisation tables,
//! progressive scans and their optimisation, overshoot deringing, Huffman optimisation). What
//! is left is what TurboJPEG's `tj3Compress8` and `tj3Decompress8` run, call for call: see
//! [`encode`] and [`decode_rgb`].
//!
//! A libjpeg error ends in its `error_exit` hook, which here unwinds (the C code is compiled
//! with `-fexceptions`, and the hooks are `extern "C-unwind"`) with a private payload up to the
//! call's `catch` (in `error.rs`), which turns it back into the message; the codec's state is
//! freed on the way by its owner's `Drop`. A warning (a corrupt or truncated stream, which
//! libjpeg would patch up with gray) does the same: as in TurboJPEG, where any warning fails
//! the call.

mod decode;
mod encode;
mod error;

pub use decode::{decode_rgb, read_header};
pub use encode::encode;

/// The most scans a progressive JPEG may have: a legitimate one has about ten, and a crafted
/// one with thousands makes the decoder redo the whole image for each (libjpeg-turbo's own
/// tools and TurboJPEG's `TJFLAG_LIMITSCANS` use the same limit).
pub const MAX_SCANS: u32 = 500;

/// Whether libjpeg-turbo runs its SIMD code (SSE2 or AVX2, its own choice at run time) on this
/// thread: `false` when the library was built without NASM (or for a CPU it has no SIMD for).
/// The answer is the same on every thread of a machine.
pub fn simd() -> bool {
    extern "C" {
        // libjpeg-turbo's query, defined by its SIMD dispatcher (`simd/x86_64/jsimd.c`) and by
        // its stub for builds without SIMD (`jsimd_none.c`, which returns 0): 1 when the islow
        // IDCT, the first thing every decode runs, has a SIMD version on this CPU.
        fn jsimd_can_idct_islow() -> std::os::raw::c_int;
    }
    // SAFETY: a pure query of libjpeg-turbo's, no arguments; it initialises its thread-local
    // CPU detection on first use.
    unsafe { jsimd_can_idct_islow() != 0 }
}

/// The chroma subsampling of an encode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sampling {
    /// 4:2:0, YCbCr.
    S420,
    /// 4:4:4, YCbCr.
    S444,
    /// 4:2:2 (chroma halved across), YCbCr.
    S422,
    /// 4:4:0 (chroma halved down), YCbCr.
    S440,
    /// One component, luma only.
    Gray,
}

/// The layout of the pixels given to [`encode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Three bytes a pixel: R, G, B.
    Rgb,
    /// Four bytes a pixel: C, M, Y, K (written as YCCK).
    Cmyk,
}

impl Format {
    fn components(self) -> usize {
        match self {
            Format::Rgb => 3,
            Format::Cmyk => 4,
        }
    }
}

/// Pixels to encode: `height` rows of `width` pixels, packed.
#[derive(Clone, Copy, Debug)]
pub struct Image<'a> {
    /// `height` rows of `width` pixels in `format`, nothing between them (more is ignored).
    pub pixels: &'a [u8],
    /// Pixels a row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// What a pixel is.
    pub format: Format,
}

/// What [`read_header`] reports.
#[derive(Clone, Copy, Debug)]
pub struct Info {
    /// The image's width in pixels.
    pub width: usize,
    /// The image's height in pixels.
    pub height: usize,
    /// One component, grayscale.
    pub gray: bool,
    /// CMYK or YCCK.
    pub cmyk: bool,
}
