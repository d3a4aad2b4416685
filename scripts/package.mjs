#!/usr/bin/env node
// `npm run package`: builds the release binary and the TypeScript, then packs into
// dist-packages/ the main package (spindle-<version>.tgz) and this machine's platform package
// (spindle-linux-x64-gnu-<version>.tgz). Fails when the main tarball holds anything users do not
// need. The other platforms' packages are built by .github/workflows/release.yml.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTarball } from './tarball-contents.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist-packages');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const target = 'linux-x64-gnu';
const run = (cmd, args, cwd = root) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`npm run package builds ${target} only; this is ${process.platform}-${process.arch}`);
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
run('npm', ['run', 'build']);

// The platform package: its committed package.json plus the freshly built binary, staged apart
// so the binary never lands in npm/ (binaries are never committed).
const stage = mkdtempSync(join(tmpdir(), 'spindle-platform-'));
cpSync(join(root, 'npm', target), stage, { recursive: true });
cpSync(join(root, 'binding', `spindle.${target}.node`), join(stage, `spindle.${target}.node`));
run('npm', ['pack', '--ignore-scripts', '--pack-destination', out], stage);
rmSync(stage, { recursive: true, force: true });

// The main package, staged with its published package.json: the platform packages become
// optional dependencies at its own version only here, at pack time (as napi's pre-publish does),
// so a source checkout never fetches a binary package from the registry.
const mainStage = mkdtempSync(join(tmpdir(), 'spindle-main-'));
for (const entry of ['README.md', 'LICENSE', 'dist', join('binding', 'index.cjs'), join('binding', 'index.d.ts')]) {
  cpSync(join(root, entry), join(mainStage, entry), { recursive: true });
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
manifest.optionalDependencies = Object.fromEntries(
  readdirSync(join(root, 'npm')).map((platform) => [`spindle-${platform}`, version]),
);
// Users need none of the development scripts, and must never run `prepare` (it builds Rust).
delete manifest.devDependencies;
delete manifest.scripts;
delete manifest.ava;
writeFileSync(join(mainStage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
run('npm', ['pack', '--ignore-scripts', '--pack-destination', out], mainStage);
rmSync(mainStage, { recursive: true, force: true });

const main = join(out, `spindle-${version}.tgz`);
const platform = join(out, `spindle-${target}-${version}.tgz`);
const stray = checkTarball(main);
if (stray.length > 0) {
  console.error(`stray files in ${main}:\n  ${stray.join('\n  ')}`);
  process.exit(1);
}
console.log(`packed:\n  ${main}\n  ${platform}`);
