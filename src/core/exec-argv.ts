/**
 * Which of the parent's Node options a worker thread or a child process gets: the one place
 * that decides it, for every place spindle starts one (the js backend's Tinypool workers,
 * `Thread` module targets, `ThreadPool` and `Pool` workers, `Process` children).
 *
 * Why a filter, and why this one:
 * - Node hands a worker or a child `process.execArgv` unless told otherwise (`new Worker`
 *   without `execArgv` inherits the parent thread's; `child_process.fork` without `execArgv`
 *   passes `process.execArgv`). Children would then inherit `--test*`, `--watch*`,
 *   `--inspect*`, `--cpu-prof*`/`--heap-prof*`/`--prof`: a child of `node --test` or
 *   `node --watch` would become a test runner or a watcher itself, a child of `--inspect` would
 *   fight its parent for the port, a profiled parent would have each child write profiles.
 * - From Node 24 on, a `node --test` child's `execArgv` holds ~25 process-wide options
 *   (`--test-isolation=process`, `--v8-pool-size=4`, `--node-snapshot`,
 *   `--stack-trace-limit=10`, `--tls-cipher-list=…`, `--use-largepages=off`,
 *   `--secure-heap-min=2`, …). `new Worker({ execArgv })` refuses those ("Initiated Worker with
 *   invalid execArgv flags"), so passing a copy of `process.execArgv` breaks every worker there.
 * - `--input-type` (as in `node --input-type=module -e …`) describes the parent's own `-e`
 *   source; handed on, it makes every worker and child fail at startup.
 * - What a worker or child does need is whatever loads the user's code the way the parent
 *   loads it: preloads (`--import`, `--require`/`-r`), loader hooks
 *   (`--loader`/`--experimental-loader`), export conditions (`--conditions`/`-C`) and the
 *   experimental module flags (`--experimental-strip-types`, `--experimental-vm-modules`,
 *   `--experimental-detect-module`, …, and their `--no-` forms), plus `--enable-source-maps` so
 *   the user's errors point at their sources. Every one of these is accepted by `new Worker`
 *   on Node 20.19 and later (checked on 20, 22, 24 and 26).
 * - `NODE_OPTIONS` needs nothing from here: it is not part of `process.execArgv`, and Node
 *   applies it again in every child (through the inherited environment) and in every worker
 *   thread, whatever `execArgv` the worker is given (checked on 20, 22, 24 and 26). So
 *   `--max-old-space-size`, `--title`, `--report-on-signal`… set there reach children as the
 *   user set them, and are never passed twice.
 *
 * Anything not on the list is dropped, new or unknown options included: a worker that misses an
 * option fails to load a module with a clear error; a worker handed a process-wide option never
 * starts.
 */

/** Options that take a value (`--flag value` or `--flag=value`), by canonical name. */
const VALUE_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['--import', '--import'],
  ['--require', '--require'],
  ['-r', '--require'],
  ['--loader', '--loader'],
  ['--experimental-loader', '--experimental-loader'],
  ['--conditions', '--conditions'],
  ['-C', '--conditions'],
  ['--experimental-default-type', '--experimental-default-type'],
  ['--experimental-specifier-resolution', '--experimental-specifier-resolution'],
]);

/** Boolean module flags kept as they are (and in their `--no-` form). */
const MODULE_FLAGS: ReadonlySet<string> = new Set([
  '--enable-source-maps',
  '--experimental-strip-types',
  '--experimental-transform-types',
  '--experimental-vm-modules',
  '--experimental-detect-module',
  '--experimental-require-module',
  '--experimental-wasm-modules',
  '--experimental-json-modules',
  '--experimental-import-meta-resolve',
  '--experimental-addon-modules',
  '--experimental-network-imports',
  '--experimental-top-level-await',
]);

/** Splits `--flag=value` into its name and value (`value` undefined when there is no `=`). */
function split(arg: string): { name: string; value: string | undefined } {
  const at = arg.indexOf('=');
  return at < 0 ? { name: arg, value: undefined } : { name: arg.slice(0, at), value: arg.slice(at + 1) };
}

/**
 * The options from `execArgv` (by default this thread's `process.execArgv`) that a worker thread
 * or child process needs to load the user's code, each as `--name=value` or `--flag`, in their
 * original order. Everything else — runner, watcher, inspector, profiler and process-wide V8/
 * OpenSSL options, `--input-type`, `-e`/`-p` and their source — is dropped.
 *
 * @example
 * ```ts
 * childExecArgv(['--test-isolation=process', '--import', 'tsx', '--v8-pool-size=4', '-C', 'dev']);
 * // → ['--import=tsx', '--conditions=dev']
 * ```
 */
export function childExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const { name, value } = split(execArgv[i] as string);
    const canonical = VALUE_OPTIONS.get(name);
    if (canonical !== undefined) {
      if (value !== undefined) out.push(`${canonical}=${value}`);
      else if (i + 1 < execArgv.length) out.push(`${canonical}=${execArgv[++i] as string}`);
    } else if (value === undefined && (MODULE_FLAGS.has(name) || MODULE_FLAGS.has(name.replace(/^--no-/, '--')))) {
      out.push(name);
    }
    // Anything else is dropped. Its value, when given as a separate word, is dropped too: it
    // is not an option this filter keeps, so the loop never mistakes it for one.
  }
  return out;
}

/**
 * The `--import` preloads named in `execArgv`, in order (both `--import x` and `--import=x`).
 *
 * @example
 * ```ts
 * importPreloads(['--import', 'tsx', '--conditions=dev', '--import=./setup.mjs']); // → ['tsx', './setup.mjs']
 * ```
 */
export function importPreloads(execArgv: readonly string[] = process.execArgv): string[] {
  return childExecArgv(execArgv)
    .filter((arg) => arg.startsWith('--import='))
    .map((arg) => arg.slice('--import='.length));
}
