/**
 * The one filter that decides which parent options a worker thread or child process gets
 * (src/exec-argv.ts). The Node 24 list is the real `process.execArgv` of a `node --test` child,
 * printed by Node 24.22.3 (`node --test t.test.mjs`, t.test.mjs logging `process.execArgv`).
 */
import { Worker } from 'node:worker_threads';
import test from 'ava';
import { childExecArgv, importPreloads } from '../../src/core/exec-argv.js';

const NODE24_TEST_CHILD = [
  '--test-coverage-functions=0',
  '--test-concurrency=0',
  '--inspect-publish-uid=stderr,http',
  '--inspect-port=127.0.0.1:9229',
  '--stack-trace-limit=10',
  '--report-signal=SIGUSR2',
  '--test-coverage-lines=0',
  '--secure-heap-min=2',
  '--test-isolation=process',
  '--heap-prof-interval=524288',
  '--cpu-prof-interval=1000',
  '--v8-pool-size=4',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Node's own placeholder, printed as is
  '--trace-event-file-pattern=node_trace.${rotation}.log',
  '--test-coverage-branches=0',
  '--watch-kill-signal=SIGTERM',
  '--tls-cipher-list=TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA',
  '--experimental-addon-modules',
  '--use-largepages=off',
  '--max-http-header-size=16384',
  '--test-timeout=0',
  '--node-snapshot',
  '--secure-heap=0',
  '--network-family-autoselection-attempt-timeout=250',
  '--heapsnapshot-near-heap-limit=0',
];

test("Node 24's `node --test` child: every process-wide, runner, inspector and profiler option is dropped", (t) => {
  // --experimental-addon-modules is the one module flag in the list (it lets `import` load .node files).
  t.deepEqual(childExecArgv(NODE24_TEST_CHILD), ['--experimental-addon-modules']);
});

test('the same list with a user preload and conditions keeps exactly those, in order', (t) => {
  const argv = [
    ...NODE24_TEST_CHILD.slice(0, 5),
    '--import',
    'tsx',
    ...NODE24_TEST_CHILD.slice(5),
    '-C',
    'development',
  ];
  t.deepEqual(childExecArgv(argv), ['--import=tsx', '--experimental-addon-modules', '--conditions=development']);
});

test('loading options are kept in both `--flag value` and `--flag=value` forms, short forms named in full', (t) => {
  t.deepEqual(
    childExecArgv([
      '--import',
      './setup.mjs',
      '--import=tsx',
      '--require',
      './a.cjs',
      '-r',
      './b.cjs',
      '--require=./c.cjs',
      '--loader',
      'ts-node/esm',
      '--experimental-loader=./hooks.mjs',
      '--conditions',
      'worker',
      '-C',
      'dev',
      '--conditions=node',
      '--experimental-strip-types',
      '--no-experimental-strip-types',
      '--experimental-transform-types',
      '--experimental-vm-modules',
      '--experimental-detect-module',
      '--no-experimental-require-module',
      '--enable-source-maps',
      '--experimental-default-type',
      'module',
    ]),
    [
      '--import=./setup.mjs',
      '--import=tsx',
      '--require=./a.cjs',
      '--require=./b.cjs',
      '--require=./c.cjs',
      '--loader=ts-node/esm',
      '--experimental-loader=./hooks.mjs',
      '--conditions=worker',
      '--conditions=dev',
      '--conditions=node',
      '--experimental-strip-types',
      '--no-experimental-strip-types',
      '--experimental-transform-types',
      '--experimental-vm-modules',
      '--experimental-detect-module',
      '--no-experimental-require-module',
      '--enable-source-maps',
      '--experimental-default-type=module',
    ],
  );
});

test('runner, watcher, inspector and profiler options never reach a child, in either form', (t) => {
  t.deepEqual(
    childExecArgv([
      '--test',
      '--test-reporter',
      'tap',
      '--test-name-pattern=x',
      '--test-only',
      '--experimental-test-coverage',
      '--watch',
      '--watch-path',
      'src',
      '--watch-preserve-output',
      '--inspect',
      '--inspect-brk=9230',
      '--inspect-port',
      '9231',
      '--inspect-wait',
      '--cpu-prof',
      '--cpu-prof-dir',
      '/tmp/p',
      '--heap-prof',
      '--heap-prof-name=h',
      '--prof',
      '--prof-process',
      '--experimental-permission',
      '--permission',
      '--allow-fs-read=*',
    ]),
    [],
  );
});

test('--input-type and -e/-p with their source never reach a child', (t) => {
  t.deepEqual(childExecArgv(['--input-type=module', '-e', 'console.log(1)']), []);
  t.deepEqual(childExecArgv(['--input-type', 'module', '--import', 'tsx', '-p', '1 + 1']), ['--import=tsx']);
});

test('process-wide options given with a separate value lose the value too', (t) => {
  t.deepEqual(
    childExecArgv([
      '--title',
      'spindle',
      '--max-old-space-size=512',
      '--stack-size',
      '2000',
      '--require',
      'x.cjs',
      '--v8-pool-size',
      '4',
    ]),
    ['--require=x.cjs'],
  );
});

test('a value-taking option at the very end without its value is dropped', (t) => {
  t.deepEqual(childExecArgv(['--conditions=dev', '--import']), ['--conditions=dev']);
});

test('importPreloads lists the --import specifiers only', (t) => {
  t.deepEqual(
    importPreloads(['--import', 'tsx', '--require=x.cjs', '--test-isolation=process', '--import=./setup.mjs']),
    ['tsx', './setup.mjs'],
  );
  t.deepEqual(importPreloads([]), []);
});

test('defaults to this process: the result is a filtered subsequence of process.execArgv', (t) => {
  const kept = childExecArgv();
  t.deepEqual(kept, childExecArgv(process.execArgv));
  // ava runs this file with --import=tsx (package.json's nodeArguments): it is kept.
  t.true(kept.includes('--import=tsx'), JSON.stringify(process.execArgv));
});

test('new Worker accepts what the filter keeps from the Node 24 list on this Node version', async (t) => {
  // On Node 20 --experimental-addon-modules does not exist (and never appears in its execArgv).
  const [major] = process.versions.node.split('.').map(Number);
  const argv = childExecArgv(NODE24_TEST_CHILD).filter(
    (a) => (major ?? 0) >= 22 || a !== '--experimental-addon-modules',
  );
  const seen = await new Promise<string[]>((resolve, reject) => {
    const worker = new Worker("require('node:worker_threads').parentPort.postMessage(process.execArgv)", {
      eval: true,
      execArgv: argv,
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  t.deepEqual(seen, argv);
});
