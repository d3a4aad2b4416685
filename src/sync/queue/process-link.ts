/**
 * The process transport of `Queue`. Shared memory cannot reach a child process, so a Queue
 * passed to one (`encode(value, { via: 'process' })`) stays where it is — in its home process,
 * which serves the child's `put`/`get` over the IPC channel. The same request protocol also
 * relays a Queue that came from another process on to this process's worker threads, over a
 * MessagePort.
 *
 * For the code that creates child processes (Process, Pool):
 * - in the parent, for each child, once: `attachChild(child)` — serves the Queues this process
 *   sent it; stops, cancelling the child's pending requests, on its 'exit' or 'disconnect'.
 * - in the child's entry, before decoding its arguments: `attachParent(process)`.
 *
 * Messages are `{ __spindleQueue: body }`; every other message on the channel is ignored, and
 * bodies carry only strings, numbers and null, so both 'json' and 'advanced' serialization work.
 * The child listens on its channel only while it has a request pending (it never keeps the
 * child alive by itself); the parent's listener counts as a 'message' listener (an explicit
 * `child.channel.unref()`, as for daemon children, still wins).
 */
import type { MessagePort } from 'node:worker_threads';
import { deadlineIn } from '../../core/clock.js';
import { RuntimeError } from '../../core/errors.js';
import { QUEUE_TAG, type QueueReply, type QueueRequest } from '../../wire/messages.js';
import { QueueEmpty, QueueFull } from './errors.js';
import type { QueueStore } from './ring.js';

// biome-ignore lint: Node's emitters type listeners with `any` arguments
type Listener = (...args: any[]) => void;

/** A ChildProcess, or `process` in a child: what `attachChild`/`attachParent` need of it. */
export interface IpcEndpoint {
  send?(message: unknown, callback: (error: Error | null) => void): unknown;
  on(event: 'message' | 'disconnect' | 'exit', listener: Listener): unknown;
  off?(event: 'message' | 'disconnect' | 'exit', listener: Listener): unknown;
  readonly connected?: boolean;
}

function bodyOf(message: unknown): QueueRequest | QueueReply | undefined {
  if (message === null || typeof message !== 'object') return undefined;
  const body = (message as Record<string, unknown>)[QUEUE_TAG];
  if (body === null || typeof body !== 'object') return undefined;
  return body as QueueRequest | QueueReply;
}

// ── serving ────────────────────────────────────────────────────────────────────────────────

const servedById = new Map<string, QueueStore>();
const idOf = new WeakMap<QueueStore, string>();
const idPrefix = `${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
let nextId = 0;

/**
 * Registers `store` to be served to child processes and returns its id. It stays registered
 * (alive) for the life of this process: a child may use it at any time.
 */
export function serveToProcesses(store: QueueStore): string {
  let id = idOf.get(store);
  if (id === undefined) {
    id = `${idPrefix}.${++nextId}`;
    idOf.set(store, id);
    servedById.set(id, store);
  }
  return id;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Runs one request against `store`. Rejects only when `signal` aborted it (then no reply). */
async function handle(store: QueueStore | undefined, request: QueueRequest, signal: AbortSignal): Promise<QueueReply> {
  const reply = (extra: Partial<QueueReply>): QueueReply => ({
    kind: 'reply',
    id: request.id,
    size: store?.qsize() ?? 0,
    ...extra,
  });
  if (!store)
    return reply({
      error: { type: 'Error', message: `no Queue ${request.queue} is served by process ${process.pid}` },
    });
  const deadline = deadlineIn(request.timeout === null ? undefined : Math.max(0, request.timeout));
  try {
    if (request.op === 'put') {
      await store.putBytes(Buffer.from(request.bytes ?? '', 'base64'), deadline, signal);
      return reply({});
    }
    return reply({ bytes: toBase64(await store.getBytes(deadline, signal)) });
  } catch (error) {
    if (signal.aborted) throw error;
    const type = error instanceof QueueEmpty ? 'QueueEmpty' : error instanceof QueueFull ? 'QueueFull' : 'Error';
    return reply({ error: { type, message: error instanceof Error ? error.message : String(error) } });
  }
}

/** Serves requests arriving through `receive`, answering with `send`, until `stop()`. */
function server(lookup: (request: QueueRequest) => QueueStore | undefined, send: (reply: QueueReply) => void) {
  const pending = new Set<AbortController>();
  return {
    receive(message: unknown): void {
      const body = bodyOf(message);
      if (body?.kind !== 'request') return;
      const controller = new AbortController();
      pending.add(controller);
      handle(lookup(body), body, controller.signal).then(
        (reply) => {
          pending.delete(controller);
          send(reply);
        },
        () => pending.delete(controller),
      );
    },
    stop(): void {
      for (const controller of pending) controller.abort();
      pending.clear();
    },
  };
}

const attachedChildren = new WeakSet<object>();

/**
 * In a parent process: serves the Queues it passes to `child` (a ChildProcess with an IPC
 * channel). Call once per child, right after forking it; later calls are no-ops.
 */
export function attachChild(child: IpcEndpoint): void {
  if (attachedChildren.has(child)) return;
  attachedChildren.add(child);
  const serving = server(
    (request) => servedById.get(request.queue),
    (reply) => {
      if (child.connected === false) return;
      // A child that is gone cannot be answered; the callback keeps that from becoming an
      // 'error' event.
      child.send?.({ [QUEUE_TAG]: reply }, () => {});
    },
  );
  const onMessage = (message: unknown): void => serving.receive(message);
  const detach = (): void => {
    serving.stop();
    child.off?.('message', onMessage);
    child.off?.('exit', detach);
    child.off?.('disconnect', detach);
  };
  child.on('message', onMessage);
  child.on('exit', detach);
  child.on('disconnect', detach);
}

/** Serves one store over `port` (the relay to a worker thread); the port never holds the loop. */
export function serveOverPort(port: MessagePort, store: QueueStore): void {
  const serving = server(
    () => store,
    (reply) => port.postMessage({ [QUEUE_TAG]: reply }),
  );
  port.on('message', (message: unknown) => serving.receive(message));
  port.once('close', () => serving.stop());
  port.unref();
}

// ── requesting ─────────────────────────────────────────────────────────────────────────────

/** One side's way to send requests and get replies. */
export interface Link {
  request(body: Omit<QueueRequest, 'kind' | 'id'>): Promise<QueueReply>;
}

interface Endpoint {
  post(message: unknown, failed: (error: Error) => void): void;
  /** Starts delivering messages and closure; holds the event loop while listening. */
  listen(onMessage: (message: unknown) => void, onClose: () => void): void;
  unlisten(): void;
}

/** Requests over an endpoint; listens (and so holds the event loop) only while one is pending. */
class RequestLink implements Link {
  readonly #endpoint: Endpoint;
  readonly #pending = new Map<number, { resolve: (reply: QueueReply) => void; reject: (error: Error) => void }>();
  #nextId = 0;

  constructor(endpoint: Endpoint) {
    this.#endpoint = endpoint;
  }

  request(body: Omit<QueueRequest, 'kind' | 'id'>): Promise<QueueReply> {
    const id = ++this.#nextId;
    return new Promise<QueueReply>((resolve, reject) => {
      if (this.#pending.size === 0) {
        this.#endpoint.listen(
          (message) => this.#receive(message),
          () => this.#fail(new RuntimeError('the process that owns this Queue is no longer reachable')),
        );
      }
      this.#pending.set(id, { resolve, reject });
      this.#endpoint.post({ [QUEUE_TAG]: { ...body, kind: 'request', id } satisfies QueueRequest }, (error) => {
        this.#settle(id)?.reject(error);
      });
    });
  }

  #receive(message: unknown): void {
    const body = bodyOf(message);
    if (body?.kind === 'reply') this.#settle(body.id)?.resolve(body);
  }

  #settle(id: number) {
    const waiter = this.#pending.get(id);
    if (!waiter) return undefined;
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#endpoint.unlisten();
    return waiter;
  }

  #fail(error: Error): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(error);
  }
}

let parentLink: Link | undefined;

/**
 * In a child process's entry: the channel to the parent, over which Queues the parent passed
 * are served. Call before decoding the arguments.
 */
export function attachParent(parent: IpcEndpoint): void {
  if (typeof parent.send !== 'function') {
    throw new TypeError('attachParent() needs a process with an IPC channel (one started by child_process.fork)');
  }
  let onMessage: ((message: unknown) => void) | undefined;
  let onClose: (() => void) | undefined;
  parentLink = new RequestLink({
    post(message, failed) {
      if (parent.connected === false) {
        failed(new RuntimeError('the process that owns this Queue is no longer reachable'));
        return;
      }
      parent.send?.(message, (error) => {
        if (error) failed(error);
      });
    },
    listen(message, close) {
      onMessage = message;
      onClose = close;
      parent.on('message', message);
      parent.on('disconnect', close);
    },
    unlisten() {
      if (onMessage) parent.off?.('message', onMessage);
      if (onClose) parent.off?.('disconnect', onClose);
      onMessage = undefined;
      onClose = undefined;
    },
  });
}

/** The link to the parent (set by `attachParent`). */
export function linkToParent(): Link {
  if (!parentLink) {
    throw new RuntimeError('this Queue belongs to another process, but attachParent() was not called in this one');
  }
  return parentLink;
}

/** A link over a MessagePort (a Queue relayed to a worker thread). */
export function linkOverPort(port: MessagePort): Link {
  let receive: ((message: unknown) => void) | undefined;
  let close: (() => void) | undefined;
  let closed = false;
  port.on('message', (message: unknown) => receive?.(message));
  port.once('close', () => {
    // The relaying thread is gone (a finished worker is eventually terminated).
    closed = true;
    close?.();
  });
  port.unref();
  return new RequestLink({
    post(message, failed) {
      if (closed) failed(new RuntimeError('the thread that relayed this Queue is gone'));
      else port.postMessage(message);
    },
    listen(onMessage, onClose) {
      receive = onMessage;
      close = onClose;
      port.ref();
    },
    unlisten() {
      port.unref();
    },
  });
}
