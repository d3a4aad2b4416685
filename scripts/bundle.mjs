// Builds dist/*.js: spindle's modules bundled by esbuild, so `import 'spindle'` loads a handful
// of files instead of ~60 (about 30 ms of a cold start on the reference machine went to
// resolving, reading and linking them one by one). `tsc` still writes the .d.ts files.
//
// The entries (the public one, the worker and child-process entries spindle starts by path, and
// the internal modules the tests import) share chunks (`splitting`), so every module exists
// once per thread whichever entry loaded it: a Lock revived by a worker entry is the very class
// user code imports from 'spindle'. Chunks land at the root of dist/, beside index.js, which
// keeps `src/package-files.ts`'s relative paths right (see there).
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

const entryPoints = [
  'src/index.ts',
  'src/entry/kernel-worker.ts',
  'src/entry/thread-worker.ts',
  'src/entry/process-child.ts',
  'src/entry/pool-worker.ts',
  // The internals the tests import (`__test__/*.spec.ts`, `__test__/fixtures`), in one entry:
  // every entry splits the shared code into more chunks for `import 'spindle'` to load.
  'src/internal.ts',
  // spindle/cluster: its public entry, the `spindle` bin, and the thread entry a worker host
  // starts by path. Only these reach BullMQ and ioredis (kept external like every package), so
  // `import 'spindle'` never loads them.
  'src/cluster/index.ts',
  'src/cluster/cli.ts',
  'src/cluster/function-worker.ts',
];

// Stale .js from an older layout would otherwise ship (package.json "files": dist/**/*.js), so
// dist/ starts empty; `npm run build:ts` runs this first and tsc's declarations after.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints,
  outdir: 'dist',
  outbase: 'src',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies stay imports (Tinypool is loaded on first use, the twins' codecs in workers).
  packages: 'external',
  // Kept readable: these files are what a user's stack trace points into.
  minify: false,
  legalComments: 'inline',
  logLevel: 'warning',
});
