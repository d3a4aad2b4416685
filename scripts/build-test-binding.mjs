#!/usr/bin/env node
// Builds the addon the tests need beside the release one: the same crates with the `test-hooks`
// feature (`__panicForTest`, which release builds leave out), into .cache/test-binding/. The spec
// that uses it loads it in a child process through NAPI_RS_NATIVE_LIBRARY_PATH
// (__test__/kernels/panic.spec.ts). Cargo reuses spindle-core's build; only the binding crate is
// compiled and linked again.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = [
  'napi',
  'build',
  '--platform',
  '--release',
  '-p',
  'spindle-napi',
  '--manifest-path',
  'crates/napi/Cargo.toml',
  '--features',
  'test-hooks',
  '--output-dir',
  '.cache/test-binding',
  '--no-js',
  '--dts',
  'index.d.ts',
];
// npx is npx.cmd on Windows, which needs a shell.
const result = spawnSync('npx', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.status !== 0) {
  console.error(`building the test addon failed (${result.error?.message ?? `exit ${result.status}`})`);
  process.exit(1);
}
