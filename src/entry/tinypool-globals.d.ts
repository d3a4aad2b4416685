/**
 * Tinypool 2.2's `index.d.ts` names the global `Worker` type (the DOM's web worker), which
 * `@types/node` 20 does not declare, so with `skipLibCheck: false` it fails to type-check.
 * An empty interface satisfies that reference and merges harmlessly with the DOM's when a
 * program has it. Compile-time only: a `.d.ts` input is not emitted to `dist/`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: an empty interface merges with the DOM's `Worker`; a type alias would clash
interface Worker {}
