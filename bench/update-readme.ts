/**
 * Puts the latest figures (bench/results.json, from a full `npm run bench`) into README.md,
 * between the `<!-- bench:begin -->` and `<!-- bench:end -->` markers:
 *
 *   npx tsx bench/update-readme.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { kernelCell, ms, ratio } from './report/format.js';
import { machineLine } from './report/machine-line.js';
import { coldTable, dispatchTable } from './report/markdown.js';
import { speedup } from './targets.js';
import type { Results } from './types.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));
const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

export function readmeFigures(r: Results): string {
  const rows = r.kernels.map((k) => {
    const t = (m: keyof typeof k.modes): string => ms(k.modes[m].medianMs);
    return `| ${kernelCell(k)} | ${k.size} | ${t('js-main')} | ${t('tinypool-2')} | ${t('native-1')} | ${t('native-2')} | ${ratio(speedup(k, 'native-1', 'js-main'))} | ${ratio(speedup(k, 'native-2', 'native-1'))} | ${ratio(speedup(k, 'tinypool-2', 'js-main'))} | ${ms(k.modes['native-2'].eventLoopP99Ms)} |`;
  });
  const met = r.targets.filter((t) => t.met).length;
  return [
    BEGIN,
    `Latest figures (${machineLine(r)}; ${r.settings.reps} rounds, ${r.settings.totalSeconds.toFixed(0)} s). Median ms per batch of 2 calls; ratios are speed-ups (the median of per-round ratios); the last column is the event loop's p99 lateness while native-2 runs. All in [bench/results.md](bench/results.md) (with min–max, tinypool-1, RSS and the targets: ${met} of ${r.targets.length} met).`,
    '',
    '| kernel | one call | js-main | tinypool-2 | native-1 | native-2 | native-1 ÷ JS | native-2 ÷ native-1 | tinypool-2 ÷ JS | event loop p99, native-2 (ms) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '![Speed-up over the twin on the main thread, per kernel and mode](bench/results.svg)',
    '',
    dispatchTable(r),
    '',
    coldTable(r),
    END,
  ].join('\n');
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const results = JSON.parse(readFileSync(RESULTS, 'utf8')) as Results;
  if (results.settings.quick) throw new Error('bench/results.json is from a quick run; run `npm run bench` first');
  const text = readFileSync(README, 'utf8');
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no ${BEGIN} … ${END} section`);
  writeFileSync(README, text.slice(0, from) + readmeFigures(results) + text.slice(to + END.length));
  console.log('README.md: benchmark figures updated');
}
