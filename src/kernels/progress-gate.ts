/**
 * The progress contract both backends share: fractions in [0, 1], never decreasing, and a
 * final `1` once the kernel has succeeded, before its Promise resolves. Backends report raw
 * fractions (throttled at the source to about one per 50 ms); this gate enforces the rest.
 */
export class ProgressGate {
  #last = 0;
  #open = true;
  readonly #listener: (fraction: number) => void;
  readonly #onError: (error: unknown) => void;

  /**
   * @param listener The user's `onProgress`.
   * @param onError Called once if `listener` throws; progress then stops.
   */
  constructor(listener: (fraction: number) => void, onError: (error: unknown) => void) {
    this.#listener = listener;
    this.#onError = onError;
  }

  /** A backend's report; stale, repeated, out-of-range or late reports are dropped. */
  readonly report = (fraction: number): void => {
    if (!this.#open || !(fraction > this.#last) || fraction >= 1) return;
    this.#last = fraction;
    this.#emit(fraction);
  };

  /** The kernel succeeded: report `1` and close the gate. */
  finish(): void {
    if (!this.#open) return;
    this.#emit(1);
    this.#open = false;
  }

  /** The kernel failed or was aborted: drop any report still in flight. */
  close(): void {
    this.#open = false;
  }

  /** Whether the gate still passes reports. */
  get open(): boolean {
    return this.#open;
  }

  #emit(fraction: number): void {
    try {
      this.#listener(fraction);
    } catch (error) {
      // A throwing listener must not surface as an uncaught exception from a native callback.
      this.#open = false;
      this.#onError(error);
    }
  }
}
