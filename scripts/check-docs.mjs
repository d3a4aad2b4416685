#!/usr/bin/env node
// Part of `npm run docs`: every export of the public entries (src/index.ts, src/cluster/index.ts) — class, function,
// options interface, type, and each kernel — must carry an `@example` in its TSDoc. Reads the
// JSON TypeDoc writes beside the HTML (typedoc.json's "json" option). Exits non-zero and lists
// what lacks one.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(new URL('../docs/api/spindle.json', import.meta.url));
const project = JSON.parse(readFileSync(file, 'utf8'));

const hasExample = (comment) => (comment?.blockTags ?? []).some((tag) => tag.tag === '@example');
const documented = (node) =>
  hasExample(node.comment) ||
  (node.signatures ?? []).some((s) => hasExample(s.comment)) ||
  (node.getSignature && hasExample(node.getSignature.comment));

// With several entry points TypeDoc nests each entry's exports under a module (kind 2).
const exported = (project.children ?? []).flatMap((node) =>
  node.kind === 2
    ? (node.children ?? []).map((child) => ({
        ...child,
        name: node.name === 'index' ? child.name : `${node.name}.${child.name}`,
      }))
    : [node],
);
const missing = [];
for (const node of exported) {
  if (!documented(node)) missing.push(node.name);
  // The kernels namespace: each kernel is a function users call.
  if (node.name === 'kernels')
    for (const k of node.children ?? []) if (!documented(k)) missing.push(`kernels.${k.name}`);
}
const total = exported.length;
if (missing.length) {
  console.error(`${missing.length} of the public exports have no @example: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`docs: all ${total} public exports (and every kernel) have an @example`);
