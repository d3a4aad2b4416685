// What the main tarball may hold: built JS and .d.ts (entries included), the napi loader and its
// types, README, LICENSE, package.json. Anything else (crates/, target/, tests, .node files,
// sources, maps) is a stray file.
import { execFileSync } from 'node:child_process';

const ALLOWED = [
  /^package\/package\.json$/,
  /^package\/README\.md$/,
  /^package\/LICENSE$/,
  /^package\/binding\/index\.(cjs|d\.ts)$/,
  /^package\/dist\/.+\.(js|d\.ts)$/,
];

/** The files of `tarball` that no user needs. */
export function checkTarball(tarball) {
  const files = execFileSync('tar', ['-tzf', tarball]).toString().trim().split('\n');
  return files.filter((f) => !ALLOWED.some((re) => re.test(f)));
}
