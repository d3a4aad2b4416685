/**
 * Node 20 does not run the parent's `--import` preloads (e.g. tsx's loader) in worker threads,
 * although workers inherit `execArgv`: a TypeScript target module would then fail to load in a
 * worker. Worker entries call this before importing user code.
 */
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importPreloads } from './exec-argv.js';

/** Resolves a preload the way Node does for `--import`: URLs as they are, paths and packages from cwd. */
function resolvePreload(spec: string): string {
  if (/^(file|data|node):/.test(spec)) return spec;
  if (spec.startsWith('.') || isAbsolute(spec))
    return pathToFileURL(isAbsolute(spec) ? spec : join(process.cwd(), spec)).href;
  return pathToFileURL(createRequire(join(process.cwd(), 'noop.js')).resolve(spec)).href;
}

/** tsx's CLI preload; its hooks are installed in a worker through tsx's own API instead. */
const TSX_LOADER = /\/tsx\/dist\/loader\.mjs$/;

/**
 * Imports each of this thread's `--import` preloads. tsx's loader installs its hooks only when
 * Node itself preloads it, so for tsx the worker calls tsx's public `register()` from the same
 * installation.
 */
export async function runParentImports(): Promise<void> {
  for (const spec of importPreloads(process.execArgv)) {
    const url = resolvePreload(spec);
    if (TSX_LOADER.test(url)) {
      const api = (await import(new URL('./esm/api/index.mjs', url).href)) as { register: () => unknown };
      api.register();
    } else {
      await import(url);
    }
  }
}
