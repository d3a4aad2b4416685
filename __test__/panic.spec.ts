// A panic inside a native kernel must reject that kernel's Promise and leave the process and the
// pool working. No public kernel panics, so this uses the binding's test hook through spindle's
// own error mapping (an internal module: the one spec that reaches past the public API).
import { createRequire } from 'node:module';
import test from 'ava';
import { kernels, SpindleError } from 'spindle';
import type { NativeBinding } from '../dist/backend/native-binding.js';
import { panicForTest } from '../dist/internal.js';

const binding = createRequire(import.meta.url)('../binding/index.cjs') as NativeBinding;

test('a panicking native job rejects with ERR_SPINDLE_NATIVE_PANIC and the pool keeps working', async (t) => {
  const error = await t.throwsAsync(panicForTest(binding, 'kernel exploded on purpose'), {
    instanceOf: SpindleError,
  });
  t.is(error?.code, 'ERR_SPINDLE_NATIVE_PANIC');
  t.regex(error?.message ?? '', /kernel exploded on purpose/);
  const again = await Promise.allSettled([panicForTest(binding, 'one'), panicForTest(binding, 'two')]);
  t.deepEqual(
    again.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  t.is(await kernels.countPrimes(1e6, { backend: 'native' }), 78_498);
});
