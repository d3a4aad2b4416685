/** Python's `threading.Event`: now shared-memory backed, it lives in `sync/event.ts`. */
export { Event } from './sync/event.js';
