/**
 * Holds the event loop open while any non-daemon thread (or pending non-daemon timer) is alive,
 * as Python's interpreter waits for non-daemon threads at exit. One ref'd handle serves them all.
 */
let holders = 0;
let handle: NodeJS.Timeout | undefined;

/** Keeps the process alive until the returned release function is called (once is enough). */
export function holdProcess(): () => void {
  holders++;
  handle ??= setInterval(() => {}, 2 ** 31 - 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holders--;
    if (holders === 0 && handle !== undefined) {
      clearInterval(handle);
      handle = undefined;
    }
  };
}
