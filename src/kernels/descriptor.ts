/**
 * What a kernel is, in one place: its arity, how its arguments are checked and normalised, which
 * of them are typed arrays a js-backend worker must see, how the native binding is called, and
 * where its TypeScript twin lives. Each kernel has one descriptor (`descriptors/<name>.ts`);
 * the registry, both backends and the worker entry derive everything else from it.
 */
import type { NativeBinding } from './backend/native-binding.js';
import type * as TwinModule from './twins/index.js';
import type { Progress } from './twins/progress.js';

/** The binding's cancel token for one call; `undefined` when nobody can abort the call. */
export type NativeHandle = InstanceType<NativeBinding['CancelHandle']> | undefined;
/** Raw progress fractions from the native pool; `undefined` when nobody listens. */
export type NativeProgress = ((fraction: number) => void) | undefined;
/** Given, the job completes through this weak callback and the binding returns no Promise. */
export type NativeSettled<R> = ((error: Error | null, value?: R) => void) | undefined;

/**
 * The twins (`twins/index.ts`). Only the js backend's worker entry imports their code and hands
 * it to a descriptor's `twin`: the main thread never loads it.
 */
export type Twins = typeof TwinModule;

/** One kernel. `Args` are the normalised arguments both backends receive. */
export interface KernelDescriptor<Args extends readonly unknown[] = readonly unknown[], Result = unknown> {
  /** How many arguments come before the options object. */
  readonly arity: number;
  /**
   * Checks and normalises the user's arguments (the `arity` before options, then the options
   * object, already checked to be an object or `undefined`), throwing Node-style argument
   * errors before any work is queued.
   */
  normalise(raw: readonly unknown[]): Args;
  /**
   * Positions of the typed-array arguments. The js backend hands them to its worker in shared
   * memory (copying those that are not), so the caller's buffers are never detached.
   */
  readonly typedArrays: readonly number[];
  /** Starts the kernel on the native binding. */
  native(
    binding: NativeBinding,
    args: Args,
    handle: NativeHandle,
    progress: NativeProgress,
    settled: NativeSettled<Result>,
  ): Promise<Result> | null;
  /** Runs the kernel's TypeScript twin, one of `twins`, on the normalised arguments. */
  twin(twins: Twins, args: Args, progress: Progress): Result;
}

/** Declares a kernel (the identity, with the types checked). */
export function defineKernel<Args extends readonly unknown[], Result>(
  descriptor: KernelDescriptor<Args, Result>,
): KernelDescriptor<Args, Result> {
  return Object.freeze(descriptor);
}
