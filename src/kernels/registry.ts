/**
 * Every kernel, by name: the one list the backends, the worker entry and the public `kernels`
 * object are checked against. Adding a kernel adds its descriptor here (see CONTRIBUTING.md).
 */
import type { KernelDescriptor } from './descriptor.js';
import { countPrimesKernel } from './descriptors/count-primes.js';
import { elaKernel } from './descriptors/ela.js';
import { mandelbrotKernel } from './descriptors/mandelbrot.js';
import { matmulKernel } from './descriptors/matmul.js';
import { sha256Kernel } from './descriptors/sha256.js';
import { sortFloat64Kernel } from './descriptors/sort-float64.js';
import { spinKernel } from './descriptors/spin.js';

// Named `<name>Kernel`, so that bundling them beside the public functions (`kernels.ts`) never
// renames those: a kernel's `name` is what a Thread's default name and a Process child see.
const KERNELS = {
  spin: spinKernel,
  countPrimes: countPrimesKernel,
  sha256: sha256Kernel,
  mandelbrot: mandelbrotKernel,
  matmul: matmulKernel,
  sortFloat64: sortFloat64Kernel,
  ela: elaKernel,
};

type Registry = typeof KERNELS;

/** A kernel's name. */
export type KernelName = keyof Registry;

/** Normalised arguments per kernel: exactly what each backend's implementation takes. */
export type KernelArgs = { [K in KernelName]: Registry[K] extends KernelDescriptor<infer A, infer _R> ? A : never };

/** Each kernel's result. */
export type KernelResults = {
  [K in KernelName]: Registry[K] extends KernelDescriptor<infer _A, infer R> ? R : never;
};

/** The kernels' names, in the registry's order. */
export const KERNEL_NAMES = Object.freeze(Object.keys(KERNELS) as KernelName[]);

/** Whether `name` is a kernel's name (e.g. one that arrived from another process). */
export function isKernelName(name: unknown): name is KernelName {
  return typeof name === 'string' && Object.hasOwn(KERNELS, name);
}

/** The descriptor of `kernel`, typed for it. */
export function descriptor<K extends KernelName>(kernel: K): KernelDescriptor<KernelArgs[K], KernelResults[K]> {
  // TypeScript cannot correlate `KERNELS[K]` with the mapped types above; they are built from it.
  return KERNELS[kernel] as unknown as KernelDescriptor<KernelArgs[K], KernelResults[K]>;
}
