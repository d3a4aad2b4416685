//! stub
#![allow(missing_docs, unused)]
use crate::{Ctx, Cancelled};
pub fn matmul(a: &[f64], b: &[f64], n: usize, ctx: &Ctx) -> Result<Vec<f64>, Cancelled> { Ok(vec![]) }
