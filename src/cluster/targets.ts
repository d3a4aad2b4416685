/**
 * Targets travel by reference, never as code: a kernel by its name, a function as (module,
 * export name). The client names a module relative to its `root` (a POSIX path such as
 * `src/work.js`) or as a package name, never by its absolute `file://` URL, which means nothing
 * on another host. The worker resolves that name against its own `--root`, and loads only
 * modules under its root or in its allow-list: a queue must not become a way to run arbitrary
 * code on a host.
 */
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { clusterError } from './errors.js';
import { invalidArgType, invalidArgValue, kernelNameOf, kernels } from './spindle.js';
import type { TargetRef } from './wire.js';

/** A package specifier (`name`, `@scope/name`, optionally with a subpath). */
const PACKAGE = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*(?:\/[\w.~@/-]+)?$/i;

/** The package's name (without a subpath). */
function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** The nearest directory at or above `dir` that holds a package.json; `dir` when none does. */
function projectRoot(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at) return dir;
  }
}

function toPath(name: string, value: unknown): string {
  if (value instanceof URL) {
    if (value.protocol !== 'file:') throw invalidArgValue(name, value.href, 'must be a file: URL');
    return fileURLToPath(value);
  }
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string or an instance of URL', value);
  if (value.startsWith('file:')) return fileURLToPath(value);
  return resolve(value);
}

/**
 * The name a Pool or Scheduler sends for its `module` option: a package name as it is, or the
 * module's path relative to `root`, starting `./` or `../` (default: the nearest directory above the module with a
 * package.json — the project root, which is what a worker's `--root` usually names).
 */
export function moduleSpec(module: unknown, root: unknown): string | undefined {
  if (module === undefined || module === null) return undefined;
  if (typeof module === 'string' && !module.startsWith('file:') && !module.startsWith('.') && !isAbsolute(module)) {
    if (!PACKAGE.test(module)) {
      throw invalidArgValue('options.module', module, 'must be import.meta.url, an absolute path or a package name');
    }
    return module;
  }
  if (typeof module === 'string' && module.startsWith('.')) {
    throw invalidArgValue('options.module', module, 'must be import.meta.url, an absolute path or a package name');
  }
  const file = toPath('options.module', module);
  const base = root === undefined || root === null ? projectRoot(dirname(file)) : toPath('options.root', root);
  // Paths always start with `./` or `../`, so a worker never mistakes one for a package name.
  const rel = relative(base, file).split(sep).join('/');
  return rel.startsWith('../') ? rel : `./${rel}`;
}

/** A pool's `func` as it travels. */
export function targetRef(func: unknown, module: string | undefined): TargetRef {
  if (typeof func !== 'function') throw invalidArgType('func', 'of type function', func);
  const kernel = kernelNameOf(func);
  if (kernel !== undefined) return { kernel };
  if (module === undefined) {
    throw invalidArgType(
      'func',
      "a kernel, or a function exported from the pool's module (give `module: import.meta.url`)",
      func,
    );
  }
  if (!func.name) throw invalidArgValue('func', func, 'must be a named function exported from its module');
  return { module, export: func.name };
}

/** A kernel by name, at the worker; `undefined` for a name this spindle does not have. */
export function kernelByName(name: string): ((...args: unknown[]) => Promise<unknown>) | undefined {
  return Object.hasOwn(kernels, name)
    ? (kernels[name as keyof typeof kernels] as (...args: unknown[]) => Promise<unknown>)
    : undefined;
}

/** A worker's module policy: its root and allow-list, resolved once at start. */
export interface ModulePolicy {
  root: string;
  dirs: string[];
  files: string[];
  packages: string[];
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Builds the policy. `allow` entries are package names (`lodash`, `@scope/tasks`: the package and
 * its subpaths) or paths (a file, or a directory and everything under it; relative to the
 * current directory).
 */
export function modulePolicy(root: string, allow: readonly string[]): ModulePolicy {
  const policy: ModulePolicy = { root: real(root), dirs: [], files: [], packages: [] };
  for (const entry of allow) {
    if (PACKAGE.test(entry) && !entry.startsWith('.') && !existsSync(entry)) policy.packages.push(entry);
    else {
      const path = real(entry.startsWith('file:') ? fileURLToPath(entry) : entry);
      if (existsSync(path) && !realpathSync(path).endsWith(sep) && isFileLike(path)) policy.files.push(path);
      else policy.dirs.push(path);
    }
  }
  return policy;
}

function isFileLike(path: string): boolean {
  return /\.[cm]?[jt]sx?$/.test(path);
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function allowedPath(policy: ModulePolicy, path: string): boolean {
  return inside(policy.root, path) || policy.dirs.some((d) => inside(d, path)) || policy.files.includes(path);
}

function refused(spec: string, why: string): Error {
  return clusterError(
    `module '${spec}' is not allowed on this worker (${why}); start the worker with --root over it or --allow it`,
    'ERR_SPINDLE_CLUSTER_MODULE_NOT_ALLOWED',
  );
}

/**
 * The URL a worker imports for a module name from a job, or a `SpindleError`
 * (`ERR_SPINDLE_CLUSTER_MODULE_NOT_ALLOWED`) for a module outside the policy. Paths are checked
 * before and after symbolic links are followed, so a link under the root cannot lead out of it.
 */
export function resolveModule(policy: ModulePolicy, spec: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec) || isAbsolute(spec) || spec.includes('\\') || spec.includes('\0')) {
    throw refused(spec, 'only paths relative to the root and package names travel');
  }
  if (!spec.startsWith('./') && !spec.startsWith('../')) {
    if (!PACKAGE.test(spec)) throw refused(spec, 'neither a path relative to the root nor a package name');
    const name = packageName(spec);
    if (!policy.packages.includes(name) && !policy.packages.includes(spec))
      throw refused(spec, 'a package not in the allow-list');
    try {
      return pathToFileURL(createRequire(join(policy.root, 'package.json')).resolve(spec)).href;
    } catch {
      // An ESM-only export map (no `require` condition): the worker thread imports it by name.
      return spec;
    }
  }
  const path = resolve(policy.root, spec);
  if (!allowedPath(policy, path)) throw refused(spec, 'outside the root');
  const target = real(path);
  if (!allowedPath(policy, target)) throw refused(spec, 'a link that leads outside the root');
  return pathToFileURL(target).href;
}
