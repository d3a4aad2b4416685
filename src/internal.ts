/**
 * Internals the tests reach into (the shared-object codec, the cross-process link, the native
 * panic hook), built as one entry of its own, `dist/internal.js`. Not part of the public API:
 * the package's `exports` do not list it. (Deliberately without TSDoc's internal tag:
 * `stripInternal` would drop the export it documents from the declarations the tests
 * type-check against.)
 */
// The shared types register their revivers with the codec when they load.
import './sync/index.js';

export { panicForTest } from './kernels/backend/native.js';
export { loadNative } from './kernels/backend/native-binding.js';
// The kernels, so that this test-only entry reaches the same kernel modules as the public one and
// the bundler keeps them in one chunk (each chunk is one more file for a cold start to load).
export { kernels } from './kernels/kernels.js';
export { attachChild, attachParent } from './sync/queue/process-link.js';
export { decode, encode } from './wire/codec.js';
