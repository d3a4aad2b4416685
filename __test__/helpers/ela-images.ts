/**
 * Test images for `ela`: deterministic photo-like pictures, JPEGs of them, and the spliced
 * fixture made by the Rust tests (`crates/core/src/kernels/ela_test.rs`).
 */
import { readFileSync } from 'node:fs';
import { decode as decodePng } from 'fast-png';
import jpegJs from 'jpeg-js';

/** `__test__/fixtures/ela-spliced.jpg`: a photo saved by libjpeg at quality 75, a patch of another photo pasted in, saved again at 95. */
export const SPLICED = {
  jpeg: (): Uint8Array => new Uint8Array(readFileSync(new URL('../fixtures/ela-spliced.jpg', import.meta.url))),
  width: 512,
  height: 384,
  /** The pasted rectangle. */
  patch: { x: 197, y: 101, width: 128, height: 96 },
} as const;

/** A small seeded PRNG (mulberry32): the same images on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A photo-like RGB image: colour gradients, a diagonal ripple, ellipses, a little noise. */
export function photo(width: number, height: number, seed: number): Uint8Array {
  const random = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const base = Array.from({ length: 3 }, () => [int(40, 200), int(-90, 90), int(-90, 90)] as const);
  const period = int(24, 64);
  const shapes = Array.from({ length: 10 }, () => ({
    cx: int(0, width),
    cy: int(0, height),
    rx: int(4, Math.max(5, Math.floor(width / 5))),
    ry: int(4, Math.max(5, Math.floor(height / 5))),
    colour: [int(0, 255), int(0, 255), int(0, 255)],
  }));
  const out = new Uint8Array(width * height * 3);
  let i = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const phase = (x + y) % period;
      const ripple = Math.floor((Math.min(phase, period - phase) * 48) / period) - 12;
      for (let c = 0; c < 3; c++) {
        const [b0, bx, by] = base[c] as readonly [number, number, number];
        let v = b0 + Math.trunc((bx * x) / width) + Math.trunc((by * y) / height) + ripple;
        for (const { cx, cy, rx, ry, colour } of shapes) {
          const dx = x - cx;
          const dy = y - cy;
          if (dx * dx * ry * ry + dy * dy * rx * rx <= rx * rx * ry * ry) v = Math.trunc((v * 3 + (colour[c] as number) * 7) / 10);
        }
        v += int(-6, 6);
        out[i++] = Math.max(0, Math.min(255, v));
      }
    }
  }
  return out;
}

/** `rgb` as a JPEG made by jpeg-js at `quality`. */
export function jpegOf(rgb: Uint8Array, width: number, height: number, quality: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return new Uint8Array(jpegJs.encode({ data: rgba, width, height }, quality).data);
}

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
