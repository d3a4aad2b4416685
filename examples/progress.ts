/**
 * Progress for long work in the examples: a bar redrawn in place when stdout is a terminal,
 * plain lines (at most one per quarter) otherwise, so logs stay readable.
 */
const WIDTH = 24;

/** An `onProgress` listener for `label`, and `done()` to finish its line. */
export function progressBar(label: string): { onProgress: (fraction: number) => void; done: (suffix: string) => void } {
  const tty = process.stdout.isTTY === true;
  let lastQuarter = 0;
  return {
    onProgress(fraction) {
      if (tty) {
        const filled = Math.round(fraction * WIDTH);
        process.stdout.write(
          `\r${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${Math.round(fraction * 100)}%`,
        );
      } else if (fraction < 1 && Math.floor(fraction * 4) > lastQuarter) {
        lastQuarter = Math.floor(fraction * 4);
        console.log(`${label} … ${lastQuarter * 25}%`);
      }
    },
    done(suffix) {
      if (tty) process.stdout.write(`\r${label} ${suffix}${' '.repeat(WIDTH + 8)}\n`);
      else console.log(`${label} ${suffix}`);
    },
  };
}
