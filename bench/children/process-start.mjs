// Process start: spindle's `Process` (a function target) from start() to join() resolved,
// against plain `child_process.fork` of an empty script, to its first message and to its exit.
// Alternates the two, `reps` times each (argv[2]); prints one JSON line.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMainProcess, Process } from 'spindle';

export function noop() {}

if (isMainProcess()) {
  const reps = Number(process.argv[2] ?? 3);
  const child = fileURLToPath(new URL('./fork-child.mjs', import.meta.url));
  const out = { process: [], forkMessage: [], forkExit: [] };
  for (let i = 0; i < reps; i++) {
    let t0 = performance.now();
    const p = new Process({ target: noop, module: import.meta.url });
    p.start();
    await p.join();
    if (p.exitcode !== 0) throw new Error(`Process exited with ${p.exitcode}`);
    out.process.push(performance.now() - t0);

    t0 = performance.now();
    const c = fork(child, [], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    await new Promise((resolve, reject) => {
      c.once('message', () => out.forkMessage.push(performance.now() - t0));
      c.once('error', reject);
      c.once('exit', (code) => {
        out.forkExit.push(performance.now() - t0);
        if (code === 0) resolve();
        else reject(new Error(`fork child exited with ${code}`));
      });
    });
  }
  console.log(JSON.stringify(out));
}
