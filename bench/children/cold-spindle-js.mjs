// Cold start, spindle's js backend: import → first result of a twin on a fresh Tinypool worker.
const t0 = performance.now();
const { kernels, shutdown } = await import('spindle');
const result = await kernels.spin(1, { backend: 'js' });
const t1 = performance.now();
if (result !== 1) throw new Error(`spin(1) gave ${result}`);
console.log(JSON.stringify({ totalMs: t1 - t0 }));
await shutdown();
