// Cold start's floor on this machine: what an ES module with a native addon pays before any code
// of its own runs — a dynamic import of an empty ES module file (Node's ESM loader, one file), and
// loading spindle's `.node` file alone (dlopen and the addon's registration, none of spindle's
// JavaScript). Prints one JSON line; `dlopenMs` is null when no built addon sits in binding/.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const t0 = performance.now();
await import(new URL('./empty.mjs', import.meta.url).href);
const t1 = performance.now();
const bindingDir = new URL('../../binding/', import.meta.url);
const file = readdirSync(bindingDir).find((name) => name.endsWith('.node'));
let dlopenMs = null;
if (file) {
  const t2 = performance.now();
  createRequire(import.meta.url)(new URL(file, bindingDir).pathname);
  dlopenMs = performance.now() - t2;
}
console.log(JSON.stringify({ emptyImportMs: t1 - t0, dlopenMs }));
