/**
 * How a twin says how far it got. Twins call it at most about once per 2^16 units of work (so
 * the call costs nothing measurable) with the fraction done; the receiver throttles to ~50 ms
 * and drops anything ≥ 1 (the final `1` is the common path's job, once the kernel succeeded).
 */
export type Progress = (fraction: number) => void;

/** A `Progress` for runs nobody watches. */
export const noProgress: Progress = () => {};

/** Work units (loop steps, bytes, multiply-adds) between two progress calls. */
export const PROGRESS_STRIDE = 1 << 16;
