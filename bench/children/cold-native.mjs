// Cold start, native: a fresh process imports spindle and awaits its first native result.
// Prints one JSON line. Run with plain `node` (no TypeScript loader), as users run spindle.
const t0 = performance.now();
const { kernels } = await import('spindle');
const t1 = performance.now();
const result = await kernels.spin(1, { backend: 'native' });
const t2 = performance.now();
if (result !== 1) throw new Error(`spin(1) gave ${result}`);
console.log(JSON.stringify({ importMs: t1 - t0, firstCallMs: t2 - t1, totalMs: t2 - t0, sinceProcessStartMs: t2 }));
