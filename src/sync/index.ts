/**
 * Loads every shareable type, so that each registers its reviver before the codec decodes
 * anything — also in a worker whose target module never imports spindle itself.
 */
import './barrier.js';
import './condition.js';
import './event.js';
import './lock.js';
import './queue/queue.js';
import './rlock.js';
import './semaphore.js';
import './value.js';
