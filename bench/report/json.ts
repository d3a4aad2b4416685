/** `results.json`: everything the run measured. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Results } from '../types.js';

export function writeJson(dir: string, results: Results): string {
  const path = join(dir, 'results.json');
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}
