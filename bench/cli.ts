/** Command-line options of `npm run bench -- [--quick] [--out DIR] [--only a,b]`. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Options {
  /** Tiny sizes and one repetition: checks the harness and the checksums, not the timings. */
  quick: boolean;
  /** Where results.json / .md / .svg go (default: `bench/`, the committed latest figures). */
  out: string;
  /** Only these sections: `kernels`, `refs`, `dispatch`, `cold` (default: all). */
  sections: Set<string>;
  /** Only these kernels (default: all). */
  kernels: Set<string> | undefined;
}

/** Every section, in run order. */
export const SECTIONS = ['kernels', 'refs', 'dispatch', 'cold'] as const;

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

const USAGE = `usage: npm run bench -- [--quick] [--out DIR] [--sections kernels,refs,dispatch,cold] [--kernels spin,ela]`;

export function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    quick: false,
    out: BENCH_DIR,
    sections: new Set(SECTIONS),
    kernels: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const list = (): Set<string> =>
      new Set(
        value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    switch (flag) {
      case '--quick':
        options.quick = true;
        break;
      case '--out':
        options.out = resolve(value());
        break;
      case '--sections':
        options.sections = list();
        break;
      case '--kernels':
        options.kernels = list();
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  return options;
}
