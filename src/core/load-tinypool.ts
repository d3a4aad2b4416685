/**
 * Tinypool is imported on first use (about 18 ms here): importing spindle should not pay for the
 * js backend or a Pool it may never use — the first native result should come fast.
 */
import type { Tinypool } from 'tinypool';

let loading: Promise<typeof Tinypool> | undefined;

/** Tinypool's class, imported once. */
export function loadTinypool(): Promise<typeof Tinypool> {
  loading ??= import('tinypool').then((m) => m.Tinypool);
  return loading;
}
