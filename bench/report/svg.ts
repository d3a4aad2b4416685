/**
 * `results.svg`: speed-up over `js-main` per kernel and mode, as horizontal bars on a log scale
 * (1× is the twin on the main thread), hand-written SVG.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { speedup } from '../targets.js';
import type { ModeName, Results } from '../types.js';
import { kernelLabel, ratio, xml } from './format.js';
import { shortMachineLine } from './machine-line.js';

const SERIES: Array<{ mode: ModeName; colour: string; label: string }> = [
  { mode: 'tinypool-1', colour: '#f4b183', label: 'tinypool-1 (js backend, 1 thread)' },
  { mode: 'tinypool-2', colour: '#d9661f', label: 'tinypool-2 (js backend, 2 threads)' },
  { mode: 'native-1', colour: '#8fb8e8', label: 'native-1 (native pool, 1 thread)' },
  { mode: 'native-2', colour: '#1f5fa8', label: 'native-2 (native pool, 2 threads)' },
];

const WIDTH = 880;
const LEFT = 130; // kernel names
const RIGHT = 70; // value labels
const TOP = 92;
const BAR = 13;
const GAP = 3;
const GROUP_GAP = 16;

export function renderSvg(r: Results): string {
  const values = r.kernels
    .flatMap((k) => SERIES.map((s) => speedup(k, s.mode, 'js-main')))
    .filter((v) => v > 0 && Number.isFinite(v));
  const lo = 2 ** Math.floor(Math.log2(Math.min(0.5, ...values)));
  const hi = 2 ** Math.ceil(Math.log2(Math.max(2, ...values)));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (v: number): number =>
    LEFT + ((Math.log2(v) - Math.log2(lo)) / (Math.log2(hi) - Math.log2(lo))) * plotWidth;
  const groupHeight = SERIES.length * (BAR + GAP) - GAP;
  const plotHeight = r.kernels.length * (groupHeight + GROUP_GAP) - GROUP_GAP;
  const height = TOP + plotHeight + 44 + Math.ceil(SERIES.length / 2) * 18;
  const out: string[] = [];
  const text = (tx: number, ty: number, s: string, attrs = ''): void => {
    out.push(`<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" ${attrs}>${xml(s)}</text>`);
  };

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  );
  text(
    LEFT,
    24,
    `spindle: speed-up over the TypeScript twin on the main thread (js-main = 1×)`,
    'font-size="15" font-weight="600"',
  );
  text(
    LEFT,
    42,
    `Batch of 2 independent calls, median of ${r.settings.reps} interleaved rounds; log scale.${r.settings.quick ? ' QUICK RUN: not meaningful.' : ''}`,
    'fill="#555"',
  );
  text(LEFT, 58, shortMachineLine(r), 'fill="#777" font-size="10"');

  // Grid: powers of two.
  for (let v = lo; v <= hi; v *= 2) {
    const gx = x(v);
    const strong = v === 1;
    out.push(
      `<line x1="${gx.toFixed(1)}" y1="${TOP - 6}" x2="${gx.toFixed(1)}" y2="${TOP + plotHeight + 4}" stroke="${strong ? '#333' : '#ddd'}" stroke-width="${strong ? 1.5 : 1}"/>`,
    );
    text(
      gx,
      TOP - 10,
      v >= 1 ? `${v}×` : `${v}×`,
      `text-anchor="middle" fill="${strong ? '#333' : '#888'}" font-size="10"`,
    );
  }

  r.kernels.forEach((k, i) => {
    const gy = TOP + i * (groupHeight + GROUP_GAP);
    text(
      LEFT - 10,
      gy + groupHeight / 2 + 4,
      kernelLabel(k),
      `text-anchor="end" font-weight="600"${k.checksumsMatch ? '' : ' fill="#c00"'}`,
    );
    SERIES.forEach((s, j) => {
      const v = speedup(k, s.mode, 'js-main');
      const y = gy + j * (BAR + GAP);
      if (!(v > 0 && Number.isFinite(v))) return;
      const x0 = x(1);
      const x1 = x(v);
      const left = Math.min(x0, x1);
      const w = Math.max(1, Math.abs(x1 - x0));
      out.push(
        `<rect x="${left.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR}" fill="${s.colour}"><title>${xml(`${kernelLabel(k)}, ${s.mode}: ${ratio(v)} (${k.modes[s.mode].medianMs} ms vs js-main ${k.modes['js-main'].medianMs} ms)`)}</title></rect>`,
      );
      const labelX = v >= 1 ? x1 + 4 : x0 + 4;
      text(labelX, y + BAR - 3, ratio(v), 'fill="#333" font-size="10"');
    });
  });

  // Legend.
  const ly = TOP + plotHeight + 26;
  SERIES.forEach((s, j) => {
    const lx = LEFT + (j % 2) * 330;
    const yy = ly + Math.floor(j / 2) * 18;
    out.push(`<rect x="${lx}" y="${yy - 10}" width="12" height="12" fill="${s.colour}"/>`);
    text(lx + 18, yy, s.label, 'fill="#333"');
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

export function writeSvg(dir: string, r: Results): string {
  const path = join(dir, 'results.svg');
  writeFileSync(path, renderSvg(r));
  return path;
}
