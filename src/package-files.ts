/**
 * Where spindle's own files are, for the code that loads them by path (worker entries, the
 * child-process entry, the native binding).
 *
 * This module sits at the root of `src/`, and the build keeps every module the main entry
 * reaches at the root of `dist/` (bundled into `dist/index.js` and its shared chunks), so
 * paths relative to `import.meta.url` here are right both from source and from the build:
 * entries in `./entry/`, the binding in `../binding/`.
 */

/** Run from source under a TypeScript loader, the entries are the `.ts` files beside this one. */
const EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** The URL of one of spindle's worker or child-process entries (`src/entry/<name>`). */
export function entryFile(name: 'kernel-worker' | 'thread-worker' | 'process-child' | 'pool-worker'): URL {
  return new URL(`./entry/${name}${EXTENSION}`, import.meta.url);
}

/** The directory holding the napi-rs loader (`index.cjs`) and a locally built addon. */
export const BINDING_DIR = new URL('../binding/', import.meta.url);
