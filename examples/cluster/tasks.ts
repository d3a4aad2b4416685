/**
 * The function targets of the cluster example. A worker host imports this module (under its
 * root) in its worker threads and calls the exports by name; the client imports it too, only to
 * name them.
 */

/** The number of words in `text`. */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** A typed array in, a typed array out: values keep their types across Redis. */
export function normalise(samples: Float64Array): Float64Array {
  const peak = samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  return samples.map((v) => v / peak);
}

/** Logs on the host that runs it (a scheduled event's action). */
export function remind(what: string): string {
  console.log(`reminder on pid ${process.pid}: ${what}`);
  return what;
}
