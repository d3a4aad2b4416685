/**
 * Loads the napi-rs binding once. The generated loader tries `NAPI_RS_NATIVE_LIBRARY_PATH`,
 * then the locally built `.node`, then the platform package, and throws one error with every
 * attempt in its `cause`: that text becomes `backend().reason`.
 *
 * A checkout that built its own addon skips that loader: the one `.node` for this platform and
 * CPU in `binding/` was built on this machine, and loading it directly saves the loader's libc
 * detection and its own start-up (0.5 instead of ~3 ms of a cold start).
 */
import { fileURLToPath } from 'node:url';
import type * as Binding from '../../../binding/index.js';
import { BINDING_DIR } from '../../core/package-files.js';

/** The binding's exports. */
export type NativeBinding = typeof Binding;

type Loaded = { binding: NativeBinding } | { error: string };

let loaded: Loaded | undefined;

function describe(error: unknown, depth = 0): string {
  if (depth > 4) return '';
  if (Array.isArray(error))
    return error
      .map((e) => describe(e, depth + 1))
      .filter(Boolean)
      .join('; ');
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined ? '' : describe(error.cause, depth + 1);
  return cause ? `${error.message} (${cause})` : error.message;
}

/** `./spindle.<platform>-<arch>[-<abi>].node` when exactly one such file is in `binding/`. */
function locallyBuilt(): string | undefined {
  const prefix = `spindle.${process.platform}-${process.arch}`;
  let found: string[];
  try {
    // `node:fs` and `node:module` through getBuiltinModule: an ESM import of either evaluates
    // all its exports, which loads Node's streams at spindle's import (a cold start's ~2 ms).
    const files = process.getBuiltinModule('node:fs').readdirSync(BINDING_DIR);
    found = files.filter((f) => f.startsWith(prefix) && f.endsWith('.node'));
  } catch {
    return undefined;
  }
  // Both a -gnu and a -musl build: which one this machine can load is the loader's question.
  return found.length === 1 ? `./${found[0]}` : undefined;
}

/** The binding, or the reason it cannot load. */
export function loadNative(): Loaded {
  if (loaded) return loaded;
  try {
    const local = process.env.NAPI_RS_NATIVE_LIBRARY_PATH ? undefined : locallyBuilt();
    let binding: NativeBinding | undefined;
    if (local) {
      try {
        // What require() does for a .node file, minus the CommonJS loader's own start-up.
        const module = { exports: {} };
        process.dlopen(module, fileURLToPath(new URL(local, BINDING_DIR)));
        binding = module.exports as NativeBinding;
      } catch {
        // Not loadable here after all (copied from another machine?): the loader decides.
      }
    }
    binding ??= process.getBuiltinModule('node:module').createRequire(BINDING_DIR)('./index.cjs') as NativeBinding;
    loaded = { binding };
  } catch (error) {
    loaded = { error: `the native binding could not be loaded: ${describe(error)}` };
  }
  return loaded;
}
