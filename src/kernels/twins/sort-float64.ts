/** `sortFloat64`: the twin of `crates/core/src/kernels/sort_float64.rs`. */
import type { Progress } from './progress.js';

/**
 * A new array holding `data` sorted in `Float64Array.prototype.sort` order: ascending, −0
 * before +0, NaN last. `data` is left untouched.
 *
 * This is the engine's own typed-array sort (native code with exactly that order), which
 * reports no progress of its own: callers see only the final `1`.
 */
export function sortFloat64(data: Float64Array, _progress: Progress): Float64Array {
  return new Float64Array(data).sort();
}
