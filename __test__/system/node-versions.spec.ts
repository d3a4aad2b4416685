/**
 * spindle under the ways people run Node, on the running version (`npm run test:matrix` runs
 * this on Node 20, 22, 24 and 26): inside `node --test` (from Node 24 on its child's execArgv
 * holds ~25 process-wide options a Worker refuses), and with NODE_OPTIONS holding process-wide
 * flags. The fixture checks kernels on both backends, a Thread with a module target, a Process,
 * a ThreadPool and a Pool, each against an independent reference.
 */

import { fileURLToPath } from 'node:url';
import test from 'ava';
import { runNode } from '../helpers/child.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/node-versions.test.mjs', import.meta.url));
const TESTS = 5;
const NODE_OPTIONS = '--max-old-space-size=512 --title=spindle-test --report-on-signal --enable-source-maps';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return runNode(args, { env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout: 150_000 });
}

/** The `# pass N` / `# fail N` totals of node:test's TAP reporter. */
function totals(stdout: string): { pass: number; fail: number } {
  const num = (name: string): number => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(stdout)?.[1] ?? NaN);
  return { pass: num('pass'), fail: num('fail') };
}

const cases: [string, string[], NodeJS.ProcessEnv][] = [
  ['node --test', ['--test', '--test-reporter=tap', FIXTURE], {}],
  ['node --test with NODE_OPTIONS', ['--test', '--test-reporter=tap', FIXTURE], { NODE_OPTIONS }],
  ['plain node with NODE_OPTIONS', ['--test-reporter=tap', FIXTURE], { NODE_OPTIONS }],
];

for (const [name, args, env] of cases) {
  test(`${name} (Node ${process.versions.node}): kernels on both backends, Thread, Process, ThreadPool, Pool`, async (t) => {
    const out = await run(args, env);
    t.is(out.code, 0, `${out.stdout}\n${out.stderr}`);
    t.deepEqual(totals(out.stdout), { pass: TESTS, fail: 0 }, out.stdout);
  });
}
