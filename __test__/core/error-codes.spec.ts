// The error codes are a closed, documented set: every `ERR_SPINDLE…` code spindle's sources
// (TypeScript and Rust) can produce is in the exported `SpindleErrorCode` union, as the
// declarations users type-check against show it, and has a row in its documentation table.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const produced = new Set<string>();
for (const file of [...filesUnder('src', /\.ts$/), ...filesUnder('crates/napi/src', /\.rs$/)]) {
  for (const m of readFileSync(file, 'utf8').matchAll(/['"](ERR_SPINDLE(?:_[A-Z_]+)?)['"]/g))
    produced.add(m[1] as string);
}

const declarations = readFileSync(join(ROOT, 'dist', 'core', 'errors.d.ts'), 'utf8');
const union = declarations.slice(declarations.indexOf('export type SpindleErrorCode ='));
const declared = new Set(
  [...union.slice(0, union.indexOf(';')).matchAll(/'(ERR_SPINDLE[A-Z_]*)'/g)].map((m) => m[1] as string),
);
const documented = new Set(
  [...declarations.matchAll(/^ \* \| `(ERR_SPINDLE[A-Z_]*)` \|/gm)].map((m) => m[1] as string),
);

test('every code the sources produce is in SpindleErrorCode', (t) => {
  t.true(produced.size >= 15, `found only ${produced.size} codes in the sources`);
  t.deepEqual(
    [...produced].filter((c) => !declared.has(c)),
    [],
  );
});

test('every code in SpindleErrorCode has a row in its documentation table, and no row is stale', (t) => {
  t.deepEqual([...declared].sort(), [...documented].sort());
});
