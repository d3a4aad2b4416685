/**
 * What `backend().jpeg` must say for the addon under test: whether its libjpeg-turbo has SIMD.
 */
import { spawnSync } from 'node:child_process';

/**
 * `SPINDLE_EXPECT_JPEG` (`simd` or `c`) when set: CI sets it where it built the addon with NASM
 * and tests it on machines without. Otherwise the addon was built from source on this machine,
 * whose build (mozjpeg-sys's) assembles libjpeg-turbo's x86 SIMD when `nasm` is on PATH, and
 * builds its Arm NEON code with the C compiler's assembler.
 */
export function expectedJpeg(): 'simd' | 'c' {
  const env = process.env.SPINDLE_EXPECT_JPEG;
  if (env === 'simd' || env === 'c') return env;
  if (process.arch === 'arm64') return 'simd';
  if (process.arch !== 'x64' && process.arch !== 'ia32') return 'c';
  return spawnSync('nasm', ['-v']).status === 0 ? 'simd' : 'c';
}
