// The layers of src/ and the directions imports may take (`npm run lint` checks them). Each
// layer may import its own modules and the layers below it, never one above:
//
//   core/  ←  wire/  ←  sync/, kernels/  ←  threading/, multiprocessing/  ←  entry/, index.ts, internal.ts  ←  cluster/
//
// `core/` (errors, validators, clock, who is running, file locations) imports no
// other layer; `wire/` (the codec and every cross-thread message) only core; `sync/` and
// `kernels/` do not import each other; `threading/` and `multiprocessing/` sit side by side over
// both and may share `threading/targets.ts` (a Process runs the same targets as a Thread); the
// entries and the public index are the top. Type-only imports follow the same rules.
/** @type {import('dependency-cruiser').IConfiguration} */
const layer = (name, allowed) => ({
  name: `${name}-imports-only-below`,
  comment: `src/${name}/ may import only ${allowed.length ? allowed.join(', ') : 'nothing else in src/'} (and itself)`,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: { path: '^src/', pathNot: [`^src/${name}/`, ...allowed.map((l) => `^src/${l}/`)] },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: the layers above say which of its modules should move down.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer('core', []),
    layer('wire', ['core']),
    layer('sync', ['core', 'wire']),
    layer('kernels', ['core', 'wire']),
    layer('threading', ['core', 'wire', 'sync', 'kernels']),
    {
      name: 'multiprocessing-imports-only-below',
      comment: 'src/multiprocessing/ may import core, wire, sync, kernels and threading/targets (the targets a Process shares with a Thread)',
      severity: 'error',
      from: { path: '^src/multiprocessing/' },
      to: {
        path: '^src/',
        pathNot: ['^src/(multiprocessing|core|wire|sync|kernels)/', '^src/threading/targets\\.ts$'],
      },
    },
    layer('entry', ['core', 'wire', 'sync', 'kernels', 'threading', 'multiprocessing']),
    {
      name: 'nothing-imports-the-top',
      comment: 'index.ts and internal.ts only re-export; nothing in src/ imports them but the cluster',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cluster/' },
      to: { path: '^src/(index|internal)\\.ts$' },
    },
    {
      name: 'cluster-on-the-public-entry',
      comment:
        'src/cluster/ (spindle/cluster) is built on the public index, which its bundle imports as the package itself, and on the stateless helpers of core/; nothing else',
      severity: 'error',
      from: { path: '^src/cluster/' },
      to: { path: '^src/', pathNot: ['^src/cluster/', '^src/index\\.ts$', '^src/core/(validate|identity|preloads)\\.ts$'] },
    },
    {
      name: 'nothing-imports-the-cluster',
      comment: 'spindle/cluster is the top: import spindle never loads it (nor BullMQ)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cluster/' },
      to: { path: '^src/cluster/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
