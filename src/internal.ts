/**
 * Internals the tests reach into (the shared-object codec, the cross-process link, the native
 * panic hook), built as one entry of its own, `dist/internal.js`. Not part of the public API:
 * the package's `exports` do not list it. (Deliberately without TSDoc's internal tag:
 * `stripInternal` would drop the export it documents from the declarations the tests
 * type-check against.)
 */
export { decode, encode } from './shared/codec.js';
export { attachChild, attachParent } from './shared/process-link.js';
export { panicForTest } from './backend/native.js';
