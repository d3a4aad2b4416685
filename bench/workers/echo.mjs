// The raw worker_threads baseline of the dispatch benchmark: every message straight back.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (message) => parentPort.postMessage(message));
