/** `sha256`: the twin of `crates/core/src/kernels/sha256.rs`, on `node:crypto`. */
import { createHash } from 'node:crypto';
import type { Progress } from './progress.js';

/** Bytes hashed between two progress calls, as in the Rust kernel. */
const SLICE = 1 << 20;

/** The SHA-256 digest of `data` as 64 lowercase hex digits. `data` is only read. */
export function sha256(data: Uint8Array, progress: Progress): string {
  const hash = createHash('sha256');
  for (let at = 0; at < data.length; at += SLICE) {
    const end = Math.min(at + SLICE, data.length);
    hash.update(data.subarray(at, end));
    progress(end / data.length);
  }
  return hash.digest('hex');
}
