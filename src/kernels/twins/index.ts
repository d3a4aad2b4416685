/**
 * The TypeScript twins of the native kernels: pure functions of the normalised arguments
 * (never mutating them) plus a progress callback, with the same results as the Rust kernels.
 * The js backend's workers load each through its kernel's descriptor (`descriptors/`); this
 * module gathers them for direct use (the benchmark runs them on the main thread).
 */
export { countPrimes } from './count-primes.js';
export { ela } from './ela.js';
export { mandelbrot } from './mandelbrot.js';
export { matmul } from './matmul.js';
export { noProgress, type Progress } from './progress.js';
export { sha256 } from './sha256.js';
export { sortFloat64 } from './sort-float64.js';
export { spin } from './spin.js';
