/** `spin`: the twin of `crates/core/src/kernels/spin.rs`, a counted loop kept honest. */
import type { Progress } from './progress.js';

/** Iterations between two progress calls, as in the Rust kernel. */
const SLICE = 1 << 20;

/** The hash's multiplier, the Rust kernel's `MULTIPLIER` (2^32 / φ): no shift-and-add shortcut. */
const MULTIPLIER = 0x9e3779b1;

/**
 * Where each run leaves its loop's final state. A module-level binding is observable by any
 * later call, so the engine must compute every step that feeds it and cannot delete the loop.
 */
let sink = 0;

/**
 * Runs `iterations` real loop steps and returns how many it ran (always `iterations`).
 *
 * Each step folds its counter into a multiplicative hash (`acc·MULTIPLIER + i mod 2^32`): every
 * step changes the result and no optimiser turns the loop into a closed form. The Rust kernel
 * runs exactly these steps, so the two backends' `spin` timings compare like for like.
 * Sequential, like the Python loop it stands for.
 *
 * @param iterations An integer in [0, 2^53 − 1] (validated by the caller).
 */
export function spin(iterations: number, progress: Progress): number {
  let done = 0;
  let acc = sink;
  // A local copy: bundlers turn a module's top-level `const` into a `var`, which V8 (Node 20)
  // re-reads, and converts from a double, on every step — 12% of this loop's time.
  const multiplier = MULTIPLIER | 0;
  while (done < iterations) {
    const slice = Math.min(iterations - done, SLICE);
    for (let i = 0; i < slice; i++) acc = (Math.imul(acc, multiplier) + i) | 0;
    done += slice;
    progress(done / iterations);
  }
  sink = acc;
  return done;
}
