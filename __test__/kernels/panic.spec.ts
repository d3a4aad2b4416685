// A panic inside a native kernel must reject that kernel's Promise and leave the process and the
// pool working. No public kernel panics, so this uses the binding's test hook, compiled only into
// the test build of the addon (`npm test` makes it: scripts/build-test-binding.mjs), through
// spindle's own error mapping, in a child process that loads that build.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { runFixture } from '../helpers/child.js';

const TEST_DIR = fileURLToPath(new URL('../../.cache/test-binding/', import.meta.url));

/** The test build of the addon for this platform, or `undefined` when it was not built. */
function testAddon(): string | undefined {
  let files: string[];
  try {
    files = readdirSync(TEST_DIR);
  } catch {
    return undefined;
  }
  const found = files.find((f) => f.startsWith(`spindle.${process.platform}-${process.arch}`) && f.endsWith('.node'));
  return found === undefined ? undefined : TEST_DIR + found;
}

test('a panicking native job rejects with ERR_SPINDLE_NATIVE_PANIC and the pool keeps working', async (t) => {
  const addon = testAddon();
  if (addon === undefined)
    return t.fail('the test addon is missing: run node scripts/build-test-binding.mjs (npm test does)');
  const child = await runFixture('panic-hook.mjs', { NAPI_RS_NATIVE_LIBRARY_PATH: addon });
  t.is(child.code, 0, child.stderr);
  const seen = JSON.parse(child.stdout.trim()) as {
    first: { status: string; spindle: boolean; code: string; message: string };
    again: { status: string }[];
    primes: number;
  };
  t.is(seen.first.status, 'rejected');
  t.true(seen.first.spindle);
  t.is(seen.first.code, 'ERR_SPINDLE_NATIVE_PANIC');
  t.regex(seen.first.message, /kernel exploded on purpose/);
  t.deepEqual(
    seen.again.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  t.is(seen.primes, 78_498);
});
