/**
 * Loads the napi-rs binding once. The generated loader tries `NAPI_RS_NATIVE_LIBRARY_PATH`,
 * then the locally built `.node`, then the platform package, and throws one error with every
 * attempt in its `cause`: that text becomes `backend().reason`.
 */
import { createRequire } from 'node:module';
import type * as Binding from '../../binding/index.js';

/** The binding's exports. */
export type NativeBinding = typeof Binding;

type Loaded = { binding: NativeBinding } | { error: string };

let loaded: Loaded | undefined;

function describe(error: unknown, depth = 0): string {
  if (depth > 4) return '';
  if (Array.isArray(error)) return error.map((e) => describe(e, depth + 1)).filter(Boolean).join('; ');
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined ? '' : describe(error.cause, depth + 1);
  return cause ? `${error.message} (${cause})` : error.message;
}

/** The binding, or the reason it cannot load. */
export function loadNative(): Loaded {
  if (loaded) return loaded;
  try {
    const require = createRequire(import.meta.url);
    loaded = { binding: require('../../binding/index.cjs') as NativeBinding };
  } catch (error) {
    loaded = { error: `the native binding could not be loaded: ${describe(error)}` };
  }
  return loaded;
}
