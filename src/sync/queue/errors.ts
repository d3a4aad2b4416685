/**
 * Python's `queue.Empty` and `queue.Full`, which `multiprocessing.Queue` raises: here
 * `QueueEmpty` and `QueueFull`, spindle errors with stable codes, so `get()`/`put()` callers
 * branch on `err instanceof QueueEmpty` or `err.code === 'ERR_SPINDLE_QUEUE_EMPTY'`.
 */
import { SpindleError } from '../../core/errors.js';

/**
 * `get()` found nothing: non-blocking on an empty queue, or its timeout passed. Code
 * `ERR_SPINDLE_QUEUE_EMPTY`.
 *
 * @example
 * ```ts
 * const q = new Queue();
 * await q.get(true, 0.1).catch((err) => err instanceof QueueEmpty); // true after 0.1 s
 * ```
 */
export class QueueEmpty extends SpindleError {
  constructor(message = 'the queue is empty', options?: ErrorOptions) {
    super(message, 'ERR_SPINDLE_QUEUE_EMPTY', options);
  }
}

/**
 * `put()` found no room: non-blocking on a full queue, or its timeout passed. Code
 * `ERR_SPINDLE_QUEUE_FULL`.
 *
 * @example
 * ```ts
 * const q = new Queue(1);
 * await q.put('first');
 * await q.put('second', false).catch((err) => err instanceof QueueFull); // true
 * ```
 */
export class QueueFull extends SpindleError {
  constructor(message = 'the queue is full', options?: ErrorOptions) {
    super(message, 'ERR_SPINDLE_QUEUE_FULL', options);
  }
}
