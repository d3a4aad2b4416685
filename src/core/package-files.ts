/**
 * Where spindle's own files are, for the code that loads them by path (worker entries, the
 * child-process entry, the native binding).
 *
 * Run from source, this module is `src/core/package-files.ts`: the package root is two levels
 * up. Built, it is bundled into `dist/index.js` or one of its shared chunks, which the build
 * keeps at the root of `dist/` (scripts/bundle.mjs): the package root is one level up. Either
 * way the entries sit in `<src or dist>/entry/` and the binding in `<root>/binding/`.
 */

/** Run from source under a TypeScript loader, the entries are the `.ts` files of `src/entry/`. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const EXTENSION = FROM_SOURCE ? '.ts' : '.js';

/** `src/` or `dist/`. */
const CODE_DIR = new URL(FROM_SOURCE ? '../' : './', import.meta.url);

/** The URL of one of spindle's worker or child-process entries (`src/entry/<name>`). */
export function entryFile(name: 'kernel-worker' | 'thread-worker' | 'process-child' | 'pool-worker'): URL {
  return new URL(`./entry/${name}${EXTENSION}`, CODE_DIR);
}

/** The directory holding the napi-rs loader (`index.cjs`) and a locally built addon. */
export const BINDING_DIR = new URL('../binding/', CODE_DIR);
