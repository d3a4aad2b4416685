/**
 * The seed's thread example: for every `.jpg`/`.jpeg` file in a folder, start a thread running
 * `ela(fname, orig_dir, save_dir)` (Error Level Analysis of the image), join them all, then
 * print "Finished!". Without the joins the threads would finish after the print.
 *
 *     import threading
 *
 *     def ela(fname, orig_dir, save_dir):
 *         """
 *         Paremetreli bir fonksiyon
 *         """
 *         pass
 *
 *     dirc = "Dizin"
 *     for d in os.listdir(dirc):
 *         if d.endswith(".jpg") or d.endswith(".jpeg"):
 *             thread = threading.Thread(target=ela, args=[d, dirc, ela_dirc])
 *             threads.append(thread)
 *             thread.start()
 *
 *     for t in threads:
 *         t.join()
 *
 *     print("Finished!")
 *
 * Each thread reads its file (I/O on the main loop) and hands the analysis to the `ela` kernel,
 * which runs on spindle's native pool, so the images are analysed in parallel.
 *
 * Run: npx tsx examples/ela-threads.ts [folder] [output folder]
 *      (without a folder it makes sample JPEGs in examples/output/samples first)
 */
import { readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernels, Thread } from 'spindle';
import { writeSamples } from './samples.js';

const output = fileURLToPath(new URL('./output/', import.meta.url));

async function ela(fname: string, origDir: string, saveDir: string): Promise<void> {
  const jpeg = await readFile(join(origDir, fname));
  const { png, maxDifference, meanDifference } = await kernels.ela(jpeg);
  await mkdir(saveDir, { recursive: true });
  const saved = join(saveDir, fname.replace(/\.jpe?g$/i, '.ela.png'));
  await writeFile(saved, png);
  console.log(`${fname}: max ${maxDifference}, mean ${meanDifference.toFixed(2)} → ${saved}`);
}

let dirc = process.argv[2];
if (dirc === undefined) {
  dirc = join(output, 'samples');
  writeSamples(dirc);
}
const elaDirc = process.argv[3] ?? join(output, 'ela');

const threads: Thread[] = [];
for (const d of readdirSync(dirc)) {
  if (d.endsWith('.jpg') || d.endsWith('.jpeg')) {
    const thread = new Thread({ target: ela, args: [d, dirc, elaDirc] });
    threads.push(thread);
    thread.start();
  }
}

for (const t of threads) await t.join();

console.log('Finished!');
