// The empty task of the dispatch benchmark, for workerpool. (Loaded through createRequire so
// that the type checker, which reads the bench's JavaScript too, skips workerpool's typings.)
import { createRequire } from 'node:module';

const workerpool = createRequire(import.meta.url)('workerpool');
workerpool.worker({ noop: (value) => value });
