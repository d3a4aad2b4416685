/**
 * How "these bytes are not an image we can decode" crosses from native code and from worker
 * threads, where spindle's error classes do not survive: as a message prefix, turned back into
 * a `SpindleError` with code `ERR_SPINDLE_INVALID_IMAGE` on the main thread.
 */
import { SpindleError } from './errors.js';

/** Keep in sync with `crates/napi/src/errors.rs`. */
export const INVALID_IMAGE_PREFIX = 'ERR_SPINDLE_INVALID_IMAGE: ';

/** The `SpindleError` an error carrying the prefix stands for, or `undefined`. */
export function invalidImageError(error: unknown): SpindleError | undefined {
  if (!(error instanceof Error)) return undefined;
  const at = error.message.indexOf(INVALID_IMAGE_PREFIX);
  if (at < 0) return undefined;
  return new SpindleError(error.message.slice(at + INVALID_IMAGE_PREFIX.length), 'ERR_SPINDLE_INVALID_IMAGE');
}
