//! Defensive argument checks. The TypeScript layer has already validated with Node-style
//! errors; these only guarantee that nothing reaching the binding directly can crash it.

use napi::Result;

use crate::errors::invalid_arg;

/// Largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
pub(crate) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A non-negative integer no larger than `max`.
pub(crate) fn uint(name: &str, value: f64, max: f64) -> Result<u64> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= max {
        // Exact: the value is an integer no larger than 2^53.
        Ok(value as u64)
    } else {
        Err(invalid_arg(format!(
            "{name} must be an integer in [0, {max}], got {value}"
        )))
    }
}

/// A finite number.
pub(crate) fn finite(name: &str, value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(invalid_arg(format!("{name} must be finite, got {value}")))
    }
}
