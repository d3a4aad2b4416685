// Cold start, Tinypool: pool creation (defaults) → the first result of an empty task.
import { Tinypool } from 'tinypool';

const filename = new URL('../workers/noop.mjs', import.meta.url).href;
const t0 = performance.now();
const pool = new Tinypool({ filename });
const result = await pool.run(1);
const t1 = performance.now();
if (result !== 1) throw new Error(`the task gave ${result}`);
console.log(JSON.stringify({ totalMs: t1 - t0 }));
await pool.destroy();
