/**
 * The entry of spindle's child processes (`Process`): receives one target from the parent over
 * the IPC channel, imports its module afresh (its `isMainProcess()` guard is false here: the
 * parent set SPINDLE_CHILD=1), calls it with the structured-cloned arguments, awaits it, and
 * exits: 0 on return, N on `process.exit(N)`, 1 on an uncaught error (after printing
 * `Process NAME:` and the stack to stderr, as CPython does).
 */
// Every shared type registers its reviver before the codec decodes arguments, also when the
// target's module never imports spindle itself.
import '../sync/index.js';
import { type KernelFunctionName, kernels } from '../kernels/kernels.js';
import type { ProcessRequest } from '../wire/messages.js';
import { loadExport } from './load-export.js';

const ROLE = { role: 'Process target', rule: 'a Process target must be exported under its own name' };

import { attachParent } from '../sync/queue/process-link.js';
import { decode } from '../wire/codec.js';

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
    const fn =
      request.kernel !== undefined
        ? (kernels[request.kernel as KernelFunctionName] as (...args: unknown[]) => unknown)
        : await loadExport(request.module, request.function, ROLE);
    await fn(...(decode(request.args) as unknown[]));
    process.exit(0);
  })().catch((error: unknown) => fail(request.name, error));
});
