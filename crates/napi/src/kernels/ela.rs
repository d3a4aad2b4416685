use napi::bindgen_prelude::{Function, Object, Uint8Array};
use napi::{Env, Error, Result};
use napi_derive::napi;
use spindle_core::kernels::{Ela, ElaError, ElaParams};
use spindle_core::Cancelled;

use crate::cancel_handle::CancelHandle;
use crate::errors::{invalid_arg, CodedError};
use crate::input::View;
use crate::job::spawn_fallible;
use crate::validate::uint;

/// How `ela` re-encodes and scales (defaults applied by the TypeScript layer).
#[napi(object)]
#[derive(Debug)]
pub struct ElaOptions {
    /// JPEG quality of the re-encode, an integer in [1, 100].
    pub quality: f64,
    /// Multiplier of the differences in the map, in (0, 255].
    pub scale: f64,
}

impl TryFrom<ElaOptions> for ElaParams {
    type Error = Error;

    fn try_from(o: ElaOptions) -> Result<Self> {
        let quality = uint("quality", o.quality, 100.0)?;
        if quality == 0 {
            return Err(invalid_arg("quality must be an integer in [1, 100], got 0"));
        }
        if !(o.scale.is_finite() && o.scale > 0.0 && o.scale <= 255.0) {
            return Err(invalid_arg(format!(
                "scale must be a number in (0, 255], got {}",
                o.scale
            )));
        }
        Ok(ElaParams {
            // Lossless: checked to be in [1, 100] above.
            quality: quality as u8,
            scale: o.scale,
        })
    }
}

/// The Error Level Analysis of a JPEG (see `spindle_core::kernels::ela`).
#[napi(object)]
pub struct ElaResult {
    /// The map: an 8-bit RGB, non-interlaced PNG.
    pub png: Uint8Array,
    pub width: u32,
    pub height: u32,
    /// The largest unscaled per-channel difference, 0 to 255.
    pub max_difference: u32,
    /// The mean unscaled per-channel difference over all channels of all pixels.
    pub mean_difference: f64,
}

impl From<Ela> for ElaResult {
    fn from(e: Ela) -> Self {
        ElaResult {
            png: Uint8Array::new(e.png),
            width: e.width,
            height: e.height,
            max_difference: u32::from(e.max_difference),
            mean_difference: e.mean_difference,
        }
    }
}

/// Error Level Analysis of `jpeg`. Bytes that are not a decodable JPEG reject with an `Error`
/// whose `code` is `ERR_SPINDLE_INVALID_IMAGE`.
#[napi(ts_return_type = "Promise<ElaResult> | null")]
pub fn ela<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "Uint8Array")] jpeg: View<Uint8Array>,
    options: ElaOptions,
    cancel: Option<&CancelHandle>,
    on_progress: Option<Function<f64, ()>>,
    #[napi(ts_arg_type = "((error: Error | null, value?: ElaResult) => void) | undefined | null")]
    on_settled: Option<Function<'env, (), ()>>,
) -> Result<Option<Object<'env>>> {
    let params = ElaParams::try_from(options)?;
    // Copied on the JS thread, as sha256 does: the caller's buffer may change while the job runs.
    let bytes = jpeg.array().to_vec();
    spawn_fallible(
        env,
        cancel,
        on_progress,
        on_settled,
        move |ctx| match spindle_core::kernels::ela(&bytes, &params, ctx) {
            Ok(out) => Ok(Ok(ElaResult::from(out))),
            Err(ElaError::Cancelled) => Err(Cancelled),
            Err(ElaError::InvalidImage(msg)) => Ok(Err(CodedError::invalid_image(msg))),
            Err(ElaError::Internal(msg)) => Ok(Err(CodedError::native(msg))),
        },
    )
}

/// Whether `ela`'s JPEG codec, libjpeg-turbo, runs its SIMD code (SSE2/AVX2, chosen by
/// libjpeg-turbo itself at run time): `false` when the addon was built without NASM, which
/// falls back to libjpeg-turbo's C code. Both give the same bytes. `SPINDLE_CPU` does not
/// change it: this build of libjpeg-turbo reads no environment variable (no `JSIMD_FORCENONE`)
/// and has no call to switch its SIMD off.
#[napi]
pub fn jpeg_simd() -> bool {
    spindle_core::jpeg::simd()
}
