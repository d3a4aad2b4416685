#!/usr/bin/env node
// `npm test`: builds what it tests (`npm run build`: the addon with cargo, dist/ with esbuild and
// tsc; then the addon's test build with the `test-hooks` feature), runs cargo's tests, then the
// ava suite twice (after making sure redis-server is there for the cluster specs) — once with the default backend (native when it loads) and once with
// SPINDLE_BACKEND=js — so every spec holds on both backends. Extra arguments go to ava (e.g.
// `npm test -- --tap`, as .ci/run does).
import { spawnSync } from 'node:child_process';

const avaArgs = process.argv.slice(2);
const runs = [
  { label: 'build', cmd: 'npm', args: ['run', 'build'], env: {}, required: true },
  { label: 'build the test addon', cmd: 'node', args: ['scripts/build-test-binding.mjs'], env: {}, required: true },
  // The spindle/cluster specs start their own redis-server: installed here when missing (root + apt).
  { label: 'redis-server', cmd: 'node', args: ['scripts/ensure-redis.mjs'], env: {}, required: true },
  { label: 'cargo test', cmd: 'cargo', args: ['test', '--workspace', '--quiet'], env: {} },
  { label: 'ava (default backend)', cmd: 'npx', args: ['ava', ...avaArgs], env: {} },
  { label: 'ava (SPINDLE_BACKEND=js)', cmd: 'npx', args: ['ava', ...avaArgs], env: { SPINDLE_BACKEND: 'js' } },
];

let failed = 0;
for (const run of runs) {
  console.log(`\n# ${run.label}`);
  const result = spawnSync(run.cmd, run.args, { stdio: 'inherit', env: { ...process.env, ...run.env } });
  if (result.status !== 0) {
    failed++;
    console.log(`# ${run.label} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
    // Testing a stale or missing build would report on code that is not the checkout's.
    if (run.required) break;
  }
}
process.exit(failed === 0 ? 0 : 1);
