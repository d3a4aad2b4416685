//! stub
#![allow(missing_docs, unused)]
use crate::{Ctx, Cancelled};
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MandelbrotParams { pub width: u32, pub height: u32, pub max_iterations: u32, pub x_min: f64, pub x_max: f64, pub y_min: f64, pub y_max: f64 }
pub fn mandelbrot(p: &MandelbrotParams, ctx: &Ctx) -> Result<Vec<u32>, Cancelled> { Ok(vec![]) }
