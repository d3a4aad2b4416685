// The native kernels' known-answer tests, calling the napi addon directly (no Tinypool, no
// worker threads: less to wade through under a memory checker). Run by scripts/memcheck.sh
// under valgrind; also runs on its own (`node scripts/memcheck-kat.mjs`). Exits 1 on a wrong
// answer. Every kernel on every CPU path this machine has, plus the error paths: cancel,
// panic, a bad JPEG, a detached buffer, shared-memory inputs, and a shutdown.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const b = createRequire(import.meta.url)('../binding/index.cjs');
let failures = 0;
function check(label, got, expected) {
  const same = JSON.stringify(got) === JSON.stringify(expected);
  if (!same) {
    failures++;
    console.log(
      `FAIL ${label}: got ${JSON.stringify(got)?.slice(0, 100)} expected ${JSON.stringify(expected)?.slice(0, 100)}`,
    );
  }
}
const sortRef = (a) => Array.from(Float64Array.from(a).sort());

b.setThreads(2);
for (const path of b.cpuInfo().supported) {
  b.setCpu(path);
  check(`${path} countPrimes`, await b.countPrimes(100_000), 9_592);
  check(`${path} spin(0)`, typeof (await b.spin(1000)), 'number');
  for (const size of [0, 1, 55, 64, 1000, 70_000]) {
    const data = Uint8Array.from({ length: size }, (_, i) => (i * 31) & 255);
    check(`${path} sha256 ${size}`, await b.sha256(data), createHash('sha256').update(data).digest('hex'));
    const shared = new Uint8Array(new SharedArrayBuffer(size));
    shared.set(data);
    check(`${path} sha256 shared ${size}`, await b.sha256(shared), createHash('sha256').update(data).digest('hex'));
  }
  for (const size of [0, 1, 7, 300, 5000]) {
    const data = Float64Array.from({ length: size }, (_, i) => Math.sin(i * 12.9898) * 1e3);
    if (size > 3) {
      data[1] = NaN;
      data[2] = -0;
      data[3] = 0;
    }
    check(`${path} sortFloat64 ${size}`, Array.from(await b.sortFloat64(data)).map(String), sortRef(data).map(String));
  }
  for (const n of [0, 1, 3, 17, 40]) {
    const a = Float64Array.from({ length: n * n }, (_, i) => (i % 7) - 3);
    const id = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    check(`${path} matmul identity ${n}`, Array.from(await b.matmul(a, id, n, false)), Array.from(a));
    check(`${path} matmul fast identity ${n}`, Array.from(await b.matmul(a, id, n, true)), Array.from(a));
  }
  const mb = await b.mandelbrot({
    width: 32,
    height: 24,
    maxIterations: 200,
    xMin: -2,
    xMax: 1,
    yMin: -1.5,
    yMax: 1.5,
  });
  check(`${path} mandelbrot size`, mb.length, 32 * 24);
  check(`${path} mandelbrot centre inside`, mb[12 * 32 + 21], 200);
}
b.setCpu(b.cpuInfo().supported.at(-1));

// ela on the spliced test image, and on bytes that are no JPEG.
const jpeg = new Uint8Array(readFileSync(new URL('../__test__/fixtures/ela-spliced.jpg', import.meta.url)));
const result = await b.ela(jpeg, { quality: 90, scale: 15 });
check('ela png signature', Array.from(result.png.subarray(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
check('ela dimensions', result.width > 0 && result.height > 0, true);
try {
  await b.ela(new Uint8Array([0xff, 0xd8, 0xff, 0, 1, 2]), { quality: 90, scale: 15 });
  check('ela of garbage rejects', 'resolved', 'rejected');
} catch {
  // expected
}

// Cancel mid-kernel, a panic, a detached input. The handles live only inside this function, so
// the collections below free them before exit (a wrapped object still alive at exit is never
// finalized, which a leak checker would report as lost).
async function cancelAndPanic() {
  const handle = new b.CancelHandle();
  const running = b.spin(2 ** 40, handle);
  setTimeout(() => handle.cancel(), 20);
  check(
    'cancelled spin',
    await running.then(
      () => 'resolved',
      (e) => e.code,
    ),
    'ERR_SPINDLE_CANCELLED',
  );
  if (typeof b.__panicForTest !== 'function') {
    // Only the test build has the hook (scripts/memcheck.sh loads it).
    check('panic hook present (run with NAPI_RS_NATIVE_LIBRARY_PATH=.cache/test-binding/…)', false, true);
    return;
  }
  check(
    'panic',
    await b.__panicForTest('memcheck', new b.CancelHandle()).then(
      () => 'resolved',
      () => 'rejected',
    ),
    'rejected',
  );
}
await cancelAndPanic();
const gone = new Uint8Array(16);
structuredClone(gone.buffer, { transfer: [gone.buffer] });
let detached = 'accepted';
try {
  await b.sha256(gone);
} catch (e) {
  detached = e.code;
}
check('detached sha256', detached, 'InvalidArg');
await b.shutdown();
check('after shutdown', await b.countPrimes(1000), 168);
await b.shutdown();
for (let i = 0; i < 3; i++) {
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 50));
}
console.log(failures === 0 ? 'memcheck KAT: all answers right' : `memcheck KAT: ${failures} wrong`);
process.exit(failures === 0 ? 0 : 1);
