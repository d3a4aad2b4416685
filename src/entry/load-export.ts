/**
 * The one way spindle's worker and child entries find a target: import its module (after the
 * parent's preloads, once per module and name), and take the export named like the target — a
 * named export, or a property of the default export (a CommonJS module's `module.exports`).
 * Failures are coded: `ERR_SPINDLE_TARGET_IMPORT` when the module is missing or threw while
 * loading, `ERR_SPINDLE_TARGET_NOT_EXPORTED` when it has no such function.
 */
import { codedTypeError, SpindleError } from '../core/errors.js';

/** A target as an entry calls it. */
export type TargetFn = (...args: unknown[]) => unknown;

/** Who asks, for the messages: e.g. `{ role: 'pool target', rule: 'a pool target must be …' }`. */
export interface TargetRole {
  /** The kind of target, as in "the module of pool target NAME could not be imported". */
  readonly role: string;
  /** What a target must be, as in "NAME is not exported from M: RULE". */
  readonly rule: string;
}

const resolved = new Map<string, TargetFn>();

/** The function exported as `name` by `module`. */
export async function loadExport(module: string, name: string, { role, rule }: TargetRole): Promise<TargetFn> {
  const key = `${module}#${name}`;
  const cached = resolved.get(key);
  if (cached) return cached;
  let imported: Record<string, unknown>;
  try {
    imported = (await import(module)) as Record<string, unknown>;
  } catch (error) {
    // Missing, or threw while loading: coded, whatever the module threw.
    const reason = error instanceof Error ? error.message : String(error);
    throw new SpindleError(
      `the module of ${role} ${name} could not be imported (${module}): ${reason}`,
      'ERR_SPINDLE_TARGET_IMPORT',
      { cause: error },
    );
  }
  const fn = imported[name] ?? (imported.default as Record<string, unknown> | undefined)?.[name];
  if (typeof fn !== 'function') {
    throw codedTypeError('ERR_SPINDLE_TARGET_NOT_EXPORTED', `${name} is not exported from ${module}: ${rule}`);
  }
  resolved.set(key, fn as TargetFn);
  return fn as TargetFn;
}
