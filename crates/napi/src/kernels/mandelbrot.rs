use napi::bindgen_prelude::{Function, Object, Uint32Array};
use napi::{Env, Result};
use napi_derive::napi;
use spindle_core::kernels::MandelbrotParams;

use crate::cancel_handle::CancelHandle;
use crate::errors::invalid_arg;
use crate::job::spawn;
use crate::validate::{finite, uint};

/// The largest image, in pixels: 2^28 escape counts are 1 GiB of `Uint32Array`.
const MAX_PIXELS: u64 = 1 << 28;

/// The region and resolution of a Mandelbrot render (defaults applied by the TypeScript layer).
#[napi(object)]
#[derive(Debug)]
pub struct MandelbrotOptions {
    pub width: f64,
    pub height: f64,
    pub max_iterations: f64,
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
}

impl TryFrom<MandelbrotOptions> for MandelbrotParams {
    type Error = napi::Error;

    fn try_from(o: MandelbrotOptions) -> Result<Self> {
        let u32_max = f64::from(u32::MAX);
        let width = uint("width", o.width, u32_max)?;
        let height = uint("height", o.height, u32_max)?;
        if width.saturating_mul(height) > MAX_PIXELS {
            return Err(invalid_arg(format!(
                "width*height must be at most {MAX_PIXELS} pixels, got {width}*{height}"
            )));
        }
        Ok(MandelbrotParams {
            // Lossless: both are at most u32::MAX by the checks above.
            width: width as u32,
            height: height as u32,
            max_iterations: uint("maxIterations", o.max_iterations, u32_max)? as u32,
            x_min: finite("xMin", o.x_min)?,
            x_max: finite("xMax", o.x_max)?,
            y_min: finite("yMin", o.y_min)?,
            y_max: finite("yMax", o.y_max)?,
        })
    }
}

/// Escape counts of the Mandelbrot set over a grid, row-major.
#[napi(ts_return_type = "Promise<Uint32Array> | null")]
pub fn mandelbrot<'env>(
    env: &'env Env,
    options: MandelbrotOptions,
    cancel: Option<&CancelHandle>,
    on_progress: Option<Function<f64, ()>>,
    #[napi(
        ts_arg_type = "((error: Error | null, value?: Uint32Array) => void) | undefined | null"
    )]
    on_settled: Option<Function<'env, (), ()>>,
) -> Result<Option<Object<'env>>> {
    let params = MandelbrotParams::try_from(options)?;
    spawn(env, cancel, on_progress, on_settled, move |ctx| {
        spindle_core::kernels::mandelbrot(&params, ctx).map(Uint32Array::new)
    })
}
