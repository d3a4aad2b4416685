/**
 * Python's `queue.Empty` and `queue.Full`, which `multiprocessing.Queue` raises: here
 * `QueueEmpty` and `QueueFull`, spindle errors with stable codes, so `get()`/`put()` callers
 * branch on `err instanceof QueueEmpty` or `err.code === 'ERR_SPINDLE_QUEUE_EMPTY'`.
 */
import { SpindleError } from '../errors.js';

/** `get()` found nothing: non-blocking on an empty queue, or its timeout passed. */
export class QueueEmpty extends SpindleError {
  constructor(message = 'the queue is empty', options?: ErrorOptions) {
    super(message, 'ERR_SPINDLE_QUEUE_EMPTY', options);
  }
}

/** `put()` found no room: non-blocking on a full queue, or its timeout passed. */
export class QueueFull extends SpindleError {
  constructor(message = 'the queue is full', options?: ErrorOptions) {
    super(message, 'ERR_SPINDLE_QUEUE_FULL', options);
  }
}
