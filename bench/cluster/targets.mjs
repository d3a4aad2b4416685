// The bench's function targets: tiny work, so the figures measure the queue, not the work.
export function square(x) {
  return x * x;
}
