// Builds dist/*.js: spindle's modules bundled by esbuild, so `import 'spindle'` loads a handful
// of files instead of ~60 (about 30 ms of a cold start on the reference machine went to
// resolving, reading and linking them one by one). `tsc` still writes the .d.ts files.
//
// The entries that can share a thread with user code (the public one, the Thread/Pool worker and
// child-process entries spindle starts by path, and the internal modules the tests import) share
// chunks (`splitting`), so every module exists once per thread whichever entry loaded it: a Lock
// revived by a worker entry is the very class user code imports from 'spindle'. Chunks land at
// the root of dist/, beside index.js, which keeps `src/core/package-files.ts`'s relative paths
// right (see there).
//
// Each of those entries also imports the public index (`reachTheIndex`), so every module the
// index reaches is shared by all entries and lands in one chunk: `import 'spindle'` loads two
// files (index.js's re-exports and that chunk) instead of four, each a round trip of the ESM
// loader's (about 3 ms of a 13–16 ms import here, in interleaved runs). A worker entry then
// loads the whole chunk even when its target does not import spindle: a Thread's first start
// showed no difference inside its 80–100 ms noise here.
//
// The js backend's kernel worker runs no user code: it is bundled on its own, twins included,
// so its imports do not split the main entry's modules into more chunks (each chunk is one more
// file for `import 'spindle'` to load).
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

const entryPoints = [
  'src/index.ts',
  'src/entry/thread-worker.ts',
  'src/entry/process-child.ts',
  'src/entry/pool-worker.ts',
  // The internals the tests import (`__test__/**/*.spec.ts`, `__test__/fixtures`), in one entry:
  // every entry splits the shared code into more chunks for `import 'spindle'` to load.
  'src/internal.ts',
];

// spindle/cluster: its public entry, the `spindle` bin, and the thread entry a worker host starts
// by path; the only code that reaches BullMQ and ioredis. Built on its own, so it neither splits
// the public entry's modules into more chunks nor duplicates them: the cluster imports spindle's
// public index (`src/cluster/spindle.ts`), and that import becomes one of the package itself,
// `'spindle'` — at run time the very modules a program that imports 'spindle' has.
const clusterEntryPoints = ['src/cluster/index.ts', 'src/cluster/cli.ts', 'src/cluster/function-worker.ts'];
const publicIndexAsPackage = {
  name: 'public-index-as-package',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/index\.js$/ }, (args) =>
      args.importer.includes(`${join('src', 'cluster')}`) ? { path: 'spindle', external: true } : undefined,
    );
  },
};

// Stale .js from an older layout would otherwise ship (package.json "files": dist/**/*.js), so
// dist/ starts empty; `npm run build:ts` runs this first and tsc's declarations after.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  outdir: 'dist',
  outbase: 'src',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies stay imports (Tinypool is loaded on first use, the twins' codecs in workers).
  packages: 'external',
  // Kept readable: these files are what a user's stack trace points into.
  minify: false,
  legalComments: 'inline',
  logLevel: 'warning',
};

// Appends an import of src/index.ts (a side-effect import, nothing named) to the worker entries,
// the tests' internal entry and `core/preloads.ts` (a pool worker imports it dynamically, which
// makes it an entry of its own for the chunking: without this the modules it shares with the
// index stay a chunk apart). (esbuild's `inject` would also do it, but it binds the injected
// module's exports to free identifiers of the same name everywhere: the global `Event` would
// become spindle's.)
const publicIndex = join(root, 'src', 'index.ts');
const reachTheIndex = {
  name: 'reach-the-index',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/](entry[\\/][^\\/]+|internal|core[\\/]preloads)\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: `${source}\nimport ${JSON.stringify(publicIndex)};\n`, loader: 'ts' };
    });
  },
};

await build({ ...common, entryPoints, chunkNames: '[name]-[hash]', splitting: true, plugins: [reachTheIndex] });
await build({ ...common, entryPoints: ['src/entry/kernel-worker.ts'] });
await build({
  ...common,
  entryPoints: clusterEntryPoints,
  chunkNames: 'cluster/[name]-[hash]',
  splitting: true,
  plugins: [publicIndexAsPackage],
});
