/**
 * The entry of spindle's child processes (`Process`): receives one target from the parent over
 * the IPC channel, imports its module afresh (its `isMainProcess()` guard is false here: the
 * parent set SPINDLE_CHILD=1), calls it with the structured-cloned arguments, awaits it, and
 * exits: 0 on return, N on `process.exit(N)`, 1 on an uncaught error (after printing
 * `Process NAME:` and the stack to stderr, as CPython does).
 */
import { kernels } from '../kernels.js';
import type { ProcessRequest } from '../process.js';
import { decode } from '../shared/codec.js';
import { attachParent } from '../shared/process-link.js';

function fail(name: string, error: unknown): never {
  const trace = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  process.stderr.write(`Process ${name}:\n${trace}\n`);
  process.exit(1);
}

process.once('message', (request: ProcessRequest) => {
  // Before decoding: a Queue among the arguments talks to its home process over this channel.
  attachParent(process);
  // A daemon child must not outlive its parent: when the parent is gone (even killed outright,
  // which runs no exit handler there), the IPC channel closes and the child ends too.
  if (request.daemon) process.once('disconnect', () => process.exit(1));
  // The channel stays open (and ref'd) while the target runs: shared Queues talk over it, and a
  // target waiting on one must keep the child alive. The child exits explicitly when done.

  void (async () => {
    let fn: unknown;
    if (request.kernel !== undefined) {
      fn = kernels[request.kernel];
    } else {
      const imported = (await import(request.module)) as Record<string, unknown>;
      fn = imported[request.function] ?? (imported.default as Record<string, unknown> | undefined)?.[request.function];
      if (typeof fn !== 'function') {
        throw new TypeError(
          `${request.function} is not exported from ${request.module}: a Process target must be exported under its own name`,
        );
      }
    }
    await (fn as (...args: unknown[]) => unknown)(...(decode(request.args) as unknown[]));
    process.exit(0);
  })().catch((error: unknown) => fail(request.name, error));
});
