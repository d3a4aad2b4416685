/**
 * The CPU code paths this machine supports, read independently of spindle: from the kernel's
 * CPU flags (`/proc/cpuinfo`) on Linux, and from the architecture elsewhere. The tests compare
 * `backend().cpu` with the fastest of them, and run the kernels on each under `SPINDLE_CPU`.
 */
import { readFileSync } from 'node:fs';

function linuxFlags(): Set<string> {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => /^(flags|Features)\s*:/.test(l)) ?? '';
    return new Set(
      line
        .replace(/^[^:]*:/, '')
        .trim()
        .split(/\s+/),
    );
  } catch {
    return new Set();
  }
}

/** Every path this machine supports, slowest first. */
export function supportedCpuPaths(): string[] {
  if (process.arch === 'arm64') return ['baseline', 'neon'];
  if (process.arch !== 'x64') return ['baseline'];
  const flags = linuxFlags();
  const paths = ['baseline'];
  if (flags.has('avx2') && flags.has('fma')) {
    paths.push('avx2');
    if (['avx512f', 'avx512dq', 'avx512bw', 'avx512vl'].every((f) => flags.has(f))) paths.push('avx512');
  }
  return paths;
}

/** The fastest path this machine supports: what spindle should pick by itself. */
export function bestCpuPath(): string {
  return supportedCpuPaths().at(-1) ?? 'baseline';
}
