/**
 * Test images for `ela`: deterministic photo-like pictures, JPEGs of them, and the spliced
 * fixture made by the Rust tests (`crates/core/src/kernels/ela_test.rs`).
 */
import { readFileSync } from 'node:fs';
import { decode as decodePng } from 'fast-png';

/** `__test__/fixtures/ela-spliced.jpg`: a photo saved by libjpeg at quality 75, a patch of another photo pasted in, saved again at 95. */
export const SPLICED = {
  jpeg: (): Uint8Array => new Uint8Array(readFileSync(new URL('../fixtures/ela-spliced.jpg', import.meta.url))),
  width: 512,
  height: 384,
  /** The pasted rectangle. */
  patch: { x: 197, y: 101, width: 128, height: 96 },
} as const;

export { jpegOf, photo } from '../../examples/samples.js';

/** The samples of an 8-bit RGB PNG, after checking that it is one. */
export function rgbOfPng(png: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const decoded = decodePng(png);
  if (decoded.channels !== 3 || decoded.depth !== 8) {
    throw new Error(`expected 8-bit RGB, got ${decoded.channels} channels of ${decoded.depth} bits`);
  }
  return { width: decoded.width, height: decoded.height, data: decoded.data as Uint8Array };
}

/** Mean of `map` inside `rect` over its mean outside. */
export function insideOverOutside(
  map: Uint8Array,
  width: number,
  rect: { x: number; y: number; width: number; height: number },
): number {
  let inside = 0;
  let nIn = 0;
  let outside = 0;
  let nOut = 0;
  for (let i = 0; i < map.length; i++) {
    const p = Math.floor(i / 3);
    const x = p % width;
    const y = Math.floor(p / width);
    const v = map[i] as number;
    if (x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height) {
      inside += v;
      nIn++;
    } else {
      outside += v;
      nOut++;
    }
  }
  return inside / nIn / (outside / nOut);
}
