#!/usr/bin/env node
// `npm run test:package`: proves the packaging end to end, as a user would meet it. Packs with
// `npm run package`, then in empty temp directories, with no cargo or rustc on PATH:
//   1. installs the main and the linux-x64-gnu tarballs: import() and require() work, the native
//      backend is active, the kernels answer;
//   2. installs the main tarball alone (--omit=optional): the js backend answers, and
//      backend().reason says the platform package is missing;
//   3. type-checks a consumer file that uses the whole public API against the installed .d.ts.
// Ends with a summary line and a non-zero exit on any failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTarball } from './tarball-contents.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const main = join(root, 'dist-packages', `spindle-${version}.tgz`);
const platform = join(root, 'dist-packages', `spindle-linux-x64-gnu-${version}.tgz`);

/** PATH without any directory that holds cargo or rustc: the user has no Rust. */
const pathWithoutRust = (process.env.PATH ?? '')
  .split(delimiter)
  .filter(
    (dir) =>
      !['cargo', 'rustc'].some((tool) => {
        try {
          return statSync(join(dir, tool)).isFile();
        } catch {
          return false;
        }
      }),
  )
  .join(delimiter);
const env = {
  ...process.env,
  PATH: pathWithoutRust,
  SPINDLE_BACKEND: '',
  SPINDLE_THREADS: '',
  SPINDLE_PACKAGE_PACKED: '',
};

let passed = 0;
let failed = 0;
function check(name, fn) {
  try {
    fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (error) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(error?.stderr ?? '') || error?.message}`);
  }
}
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
function project(...tarballs) {
  const dir = mkdtempSync(join(tmpdir(), 'spindle-consumer-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  const omit = tarballs.length === 1 ? ['--omit=optional'] : [];
  sh('npm', ['install', '--no-audit', '--no-fund', ...omit, ...tarballs], dir);
  return dir;
}

// test:matrix packs once and sets SPINDLE_PACKAGE_PACKED=1 for the other Node versions: the
// tarballs do not depend on the Node that packs them, only the checks below do.
if (process.env.SPINDLE_PACKAGE_PACKED !== '1')
  execFileSync('npm', ['run', 'package'], { cwd: root, stdio: 'inherit' });
console.log(`# package checks on Node ${process.version}`);

check('the main tarball holds only what users need', () => {
  const stray = checkTarball(main);
  if (stray.length) throw new Error(`stray files: ${stray.join(', ')}`);
});

check('no cargo or rustc is reachable in the consumer environment', () => {
  for (const tool of ['cargo', 'rustc']) {
    let found = true;
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { env, stdio: 'ignore' });
    } catch {
      found = false;
    }
    if (found) throw new Error(`${tool} is still on PATH`);
  }
});

/**
 * Whether `version` (x.y.z) is in `range`, for the forms `engines` uses: clauses joined by `||`,
 * each `^x.y.z` or `>=x.y.z`.
 */
function satisfies(version, range) {
  const parse = (v) => v.replace(/^v/, '').split('.').map(Number);
  const cmp = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  const v = parse(version);
  return range.split('||').some((clause) => {
    const c = clause.trim();
    if (c.startsWith('^')) {
      const min = parse(c.slice(1));
      return v[0] === min[0] && cmp(v, min) >= 0;
    }
    if (c.startsWith('>=')) return cmp(v, parse(c.slice(2))) >= 0;
    throw new Error(`engines clause not understood: ${c}`);
  });
}
check(`the Node running these checks (${process.version}) is within the published engines`, () => {
  const packed = JSON.parse(execFileSync('tar', ['-xOzf', main, 'package/package.json']).toString());
  if (!satisfies(process.version, packed.engines.node)) throw new Error(`engines.node is ${packed.engines.node}`);
});

const native = project(main, platform);
const ESM = `
import { backend, kernels } from 'spindle';
import { createHash } from 'node:crypto';
const info = backend();
const primes = await kernels.countPrimes(1e6);
const digest = await kernels.sha256('abc');
console.log(JSON.stringify({ info, primes, ok: digest === createHash('sha256').update('abc').digest('hex') }));
`;
check('with the platform package: import() works, native is active, kernels answer', () => {
  writeFileSync(join(native, 'esm.mjs'), ESM);
  const out = JSON.parse(sh(process.execPath, ['esm.mjs'], native));
  if (out.info.active !== 'native') throw new Error(`active: ${out.info.active} (${out.info.reason})`);
  if (out.primes !== 78498 || !out.ok) throw new Error(`wrong answers: ${JSON.stringify(out)}`);
});
check('with the platform package: require() works too', () => {
  writeFileSync(
    join(native, 'cjs.cjs'),
    `const { backend, kernels } = require('spindle');
     kernels.spin(1000).then((n) => console.log(JSON.stringify({ active: backend().active, n })));`,
  );
  const out = JSON.parse(sh(process.execPath, ['cjs.cjs'], native));
  if (out.active !== 'native' || out.n !== 1000) throw new Error(JSON.stringify(out));
});
check('no .node file and no Rust sources were installed with the main package', () => {
  const files = readdirSync(join(native, 'node_modules', 'spindle'), { recursive: true }).map(String);
  const bad = files.filter((f) => f.endsWith('.node') || f.endsWith('.rs') || f.startsWith('crates'));
  if (bad.length) throw new Error(bad.join(', '));
});

// spindle/cluster from the tarball: the installed `spindle` bin serves a queue on a private
// redis-server, and a client's Pool runs a kernel and an exported function on it. Needs
// redis-server on PATH (npm test and test:matrix make sure of it: scripts/ensure-redis.mjs).
const CLUSTER = `
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { kernels } from 'spindle';
import { Pool } from 'spindle/cluster';
export const twice = (x) => 2 * x;
if (process.argv[2] === 'client') {
  const port = await new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = 'redis://127.0.0.1:' + port;
  const bin = new URL('./node_modules/.bin/spindle', import.meta.url).pathname;
  const host = spawn(bin, ['worker', '--connection', url, '--queue', 'pkg', '--root', '.'], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    await new Promise((resolve, reject) => {
      let err = '';
      host.stderr.on('data', (d) => { err += d; if (err.includes('ready on queue')) resolve(); });
      host.once('exit', (code) => reject(new Error('the host exited (' + code + '): ' + err)));
    });
    const pool = new Pool({ connection: url, queue: 'pkg', module: import.meta.url });
    try {
      const primes = await pool.apply(kernels.countPrimes, [1e6]);
      const doubled = await pool.map(twice, [1, 2, 3]);
      console.log(JSON.stringify({ primes, doubled }));
    } finally {
      pool.terminate(); // no \`await using\` in plain JavaScript on Node 20
      await pool.join();
    }
  } finally {
    // The host drains and exits before its Redis goes.
    const exited = new Promise((resolve) => host.once('exit', resolve));
    host.kill('SIGTERM');
    await exited;
    redis.kill('SIGKILL');
  }
}
`;
check('spindle/cluster: the installed bin serves a queue, and a Pool runs a kernel and a function on it', () => {
  writeFileSync(join(native, 'cluster.mjs'), CLUSTER);
  const out = JSON.parse(
    execFileSync(process.execPath, ['cluster.mjs', 'client'], { cwd: native, env, timeout: 120_000 }).toString(),
  );
  if (out.primes !== 78498 || JSON.stringify(out.doubled) !== '[2,4,6]') throw new Error(JSON.stringify(out));
});

const fallback = project(main);
check('main tarball alone: everything works on the js backend and reason names the missing package', () => {
  writeFileSync(join(fallback, 'esm.mjs'), ESM);
  const out = JSON.parse(sh(process.execPath, ['esm.mjs'], fallback));
  if (out.info.active !== 'js') throw new Error(`active: ${out.info.active}`);
  if (!String(out.info.reason).includes('spindle-linux-x64-gnu')) throw new Error(`reason: ${out.info.reason}`);
  if (out.primes !== 78498 || !out.ok) throw new Error(`wrong answers: ${JSON.stringify(out)}`);
});

check('a consumer using the whole public API type-checks against the installed .d.ts (strict)', () => {
  writeFileSync(
    join(native, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2023', 'ESNext.Disposable'],
        types: ['node'],
        skipLibCheck: false,
      },
      files: ['consumer.ts'],
    }),
  );
  writeFileSync(join(native, 'consumer.ts'), readFileSync(join(root, 'scripts', 'consumer.ts'), 'utf8'));
  // The consumer needs @types/node (Node's globals) and TypeScript: ours, from the checkout.
  sh(
    process.execPath,
    [
      join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.json',
      '--typeRoots',
      join(root, 'node_modules', '@types'),
    ],
    native,
  );
});

console.log(`package checks: ${passed} of ${passed + failed} passed`);
process.exit(failed === 0 ? 0 : 1);
