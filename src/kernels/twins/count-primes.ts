/**
 * `countPrimes`: the twin of `crates/core/src/kernels/count_primes.rs`, π(limit − 1) by a
 * segmented sieve of Eratosthenes over the odd numbers.
 *
 * Byte `j` of the whole sieve stands for the odd number 2j + 1 (a byte per number marks
 * faster in JavaScript than a bit, and a segment still fits in the L1 cache). Each base prime
 * keeps the offset of its next multiple from one segment to the next, so it costs one division
 * in all, not one per segment.
 */
import type { Progress } from './progress.js';

/** Odd numbers per segment: 32 KiB of sieve, which stays in an L1 data cache. */
const SEGMENT = 1 << 15;

/** ⌊√n⌋ exactly, for any safe integer n ≥ 0. */
function isqrt(n: number): number {
  let r = Math.floor(Math.sqrt(n));
  while (r * r > n) r--;
  while ((r + 1) * (r + 1) <= n) r++;
  return r;
}

/** The odd primes ≤ n (n < 2^27, so they fit an `Int32Array`), ascending, by a plain sieve. */
function oddPrimesUpTo(n: number): Int32Array {
  if (n < 3) return new Int32Array(0);
  // composite[j] stands for 2j + 1.
  const half = Math.floor((n - 1) / 2) + 1;
  const composite = new Uint8Array(half);
  for (let j = 1; ; j++) {
    const p = 2 * j + 1;
    if (p * p > n) break;
    if (composite[j] === 0) {
      for (let m = (p * p - 1) / 2; m < half; m += p) composite[m] = 1;
    }
  }
  let count = 0;
  for (let j = 1; j < half; j++) count += 1 - (composite[j] as number);
  const primes = new Int32Array(count);
  for (let j = 1, k = 0; j < half; j++) if (composite[j] === 0) primes[k++] = 2 * j + 1;
  return primes;
}

/**
 * The number of primes strictly below `limit`.
 *
 * @param limit An integer in [0, 2^53 − 1] (validated by the caller). Memory: the base primes
 * below √limit and one offset per base prime, plus a 32 KiB segment. Progress counts odd numbers
 * sieved.
 */
export function countPrimes(limit: number, progress: Progress): number {
  if (limit < 3) return 0;
  // The odd numbers below `limit` are bytes 0 … odd − 1.
  const odd = Math.floor(limit / 2);
  // Every odd composite below `limit` has a prime factor ≤ root.
  const root = isqrt(limit - 1);
  const total = odd + Math.ceil(root / 2);
  const primes = oddPrimesUpTo(root);
  progress((total - odd) / total);

  // offsets[k]: the next multiple of primes[k] to cross off, relative to the current segment.
  // Only primes whose square lies below the segment's end are active; a prime joins at its
  // square (the first multiple not crossed off by a smaller prime), so offsets stay below p.
  const offsets = new Int32Array(primes.length);
  const seg = new Uint8Array(SEGMENT);
  // The same bytes as words, to count four marks per step (each byte is 0 or 1).
  const words = new Int32Array(seg.buffer);
  let active = 0;
  // Byte 0 stands for 1, which is never crossed off: it counts in place of the prime 2.
  let count = 0;
  for (let lo = 0; lo < odd; lo += SEGMENT) {
    const len = Math.min(SEGMENT, odd - lo);
    const hi = lo + len;
    while (active < primes.length) {
      const p = primes[active] as number;
      const square = (p * p - 1) / 2;
      if (square >= hi) break;
      offsets[active++] = square - lo;
    }
    // Whole words are cleared (SEGMENT is a multiple of 4), so the bytes past `len` in the
    // last word are 0 and counting by words stays exact.
    const wordCount = (len + 3) >>> 2;
    seg.fill(0, 0, 4 * wordCount);
    for (let k = 0; k < active; k++) {
      const p = primes[k] as number;
      let j = offsets[k] as number;
      for (; j < len; j += p) seg[j] = 1;
      offsets[k] = j - len;
    }
    let marked = 0;
    for (let w = 0; w < wordCount; w++) marked += Math.imul(words[w] as number, 0x01010101) >>> 24;
    count += len - marked;
    progress((total - odd + hi) / total);
  }
  return count;
}
