/** The shape of `bench/results.json` (the fields, plus a few more). */

export const MODES = ['js-main', 'tinypool-1', 'tinypool-2', 'native-1', 'native-2'] as const;
export type ModeName = (typeof MODES)[number];

export const POOLS = ['native', 'tinypool', 'piscina', 'workerpool', 'worker_threads'] as const;
export type PoolName = (typeof POOLS)[number];

export interface Machine {
  cpus: number;
  cpuModel: string;
  /** The native kernels' CPU code path (`backend().cpu`): `avx512`, `avx2`, `baseline`, `neon`. */
  cpuPath?: string;
  node: string;
  napi: string;
  commit: string;
  /** `git status` found uncommitted changes when the run started. */
  dirty: boolean;
  platform: string;
  totalMemMb: number;
  /** 1-minute load average at the start and the end of the run. */
  loadAvg: { start: number; end: number };
  /** Warnings about the setup (e.g. a stale `dist/`). */
  notes: string[];
}

export interface ModeResult {
  /** Median wall time of one batch (2 independent calls), in ms. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Every timed batch, in run order. */
  samplesMs: number[];
  /**
   * Event-loop lateness p99 in ms: `monitorEventLoopDelay` (1 ms resolution, minus that 1 ms),
   * a fresh histogram per batch; the median over the batches.
   */
  eventLoopP99Ms: number;
  /** The worst event-loop lateness seen in any batch of this mode, in ms. */
  eventLoopMaxMs: number;
  /** Peak resident set size of the whole process during this mode's batches, in MB. */
  rssMb: number;
  /** The most a batch of this mode raised the process's RSS above its level when it started, in MB. */
  rssGrowthMb: number;
}

export interface KernelResult {
  name: string;
  /** Set when a kernel is measured more than once: how this row's input differs. */
  variant?: string;
  /** What one call computes. */
  size: string;
  checksumsMatch: boolean;
  /** The reference checksum (of js-main's result) and any mismatch found. */
  checksum: string;
  mismatches: string[];
  modes: Record<ModeName, ModeResult>;
}

export interface DispatchResult {
  pool: PoolName;
  inFlight: 1 | 1000;
  usPerTask: number;
  /** The samples the median was taken of (µs per task). */
  samplesUs: number[];
}

/** Where the native round trip spends its time: the same measurement one layer down. */
export interface DispatchLayer {
  layer: string;
  inFlight: 1 | 1000;
  usPerTask: number;
}

export interface ColdStart {
  /** `import('spindle')` → first native `kernels.spin(1)` result, in a fresh process (median). */
  native: number;
  /** `new Tinypool()` → first result of an empty task, in a fresh process (median). */
  tinypool: number;
  /** `import('spindle')` → first `kernels.spin(1, { backend: 'js' })` result (median). */
  spindleJs: number;
  /** Parts of the native figure: the import, and the first call after it (medians). */
  nativeImport: number;
  nativeFirstCall: number;
  /** spindle `Process` (a function target) `start()` → `join()` resolved (median). */
  process: number;
  /** `child_process.fork` of an empty script → its first message (median). */
  forkMessage: number;
  /** `child_process.fork` of an empty script → its exit (median). */
  forkExit: number;
  /**
   * The floor under `native` (medians): a dynamic import of an empty ES module, and loading
   * spindle's `.node` file alone (NaN when no built addon sits in `binding/`).
   */
  floorImport: number;
  floorDlopen: number;
  samples: Record<string, number[]>;
}

export interface Results {
  machine: Machine;
  settings: { quick: boolean; warmups: number; reps: number; batch: 2; totalSeconds: number };
  kernels: KernelResult[];
  dispatch: DispatchResult[];
  dispatchLayers: DispatchLayer[];
  coldStartMs: ColdStart;
  checksumsMatch: boolean;
  /** spin's wall time per loop iteration, twin (js-main) and native (native-1), in ns. */
  spinNsPerIteration: { twin: number; native: number } | undefined;
  /** The kernels against the best implementations a user could pick instead (issue 13). */
  references?: References;
  targets: TargetCheck[];
  warnings: string[];
}

/** One figure of the references section: spindle's or a reference's, one thread. */
export interface ReferenceFigure {
  kernel: string;
  /** Who ran it, e.g. `spindle native` or `rdst 0.20 (radix sort), 1 thread`. */
  label: string;
  /** Median over the rounds; `null` when not measured (then `note` says why). */
  value: number | null;
  /** The best round, in the same unit. */
  min?: number;
  unit: 'ms' | 'GB/s' | 'GFLOP/s' | 'ns/iteration';
  note?: string;
}

export interface References {
  /** The native CPU code path the kernels ran on (`backend().cpu`). */
  cpu: string;
  figures: ReferenceFigure[];
}

/** One of the targets, evaluated on this run. */
export interface TargetCheck {
  /** What is measured, e.g. `matmul: native-1 over js-main`. */
  what: string;
  /** The measured value, in `unit`. */
  measured: number;
  unit: '×' | 'µs' | 'ms' | 'ns' | 'GB/s' | 'GFLOP/s';
  /** `>=`: at least `goal`; `<=`: at most `goal`. */
  op: '>=' | '<=';
  goal: number;
  met: boolean;
  /** For a missed target: how far off, as a factor of the goal (e.g. 0.62 of it, or 3.1× over). */
  miss?: string;
}
