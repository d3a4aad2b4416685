/**
 * Sample JPEGs for the examples and the tour, made deterministically here (no downloads):
 * photo-like pictures, and one spliced image — a photo saved at quality 75, a patch of another
 * photo pasted in, and the result saved again at 95 — whose pasted region Error Level Analysis
 * should make stand out.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpegJs from 'jpeg-js';

/** A small seeded PRNG (mulberry32): the same images on every run. */
export function rng(seed: number): () => number {
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
          if (dx * dx * ry * ry + dy * dy * rx * rx <= rx * rx * ry * ry)
            v = Math.trunc((v * 3 + (colour[c] as number) * 7) / 10);
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

/** The pasted rectangle of a spliced sample of the given size: a quarter of each side, 16-aligned. */
export function splicedPatch(width: number, height: number): { x: number; y: number; width: number; height: number } {
  const align = (v: number): number => Math.max(0, Math.floor(v / 16) * 16);
  return {
    x: align(width * 0.4),
    y: align(height * 0.27),
    width: Math.max(16, align(width / 4)),
    height: Math.max(16, align(height / 4)),
  };
}

/** Writes `count` photo JPEGs and `spliced.jpg` into `dir`; returns their file names. */
export function writeSamples(dir: string, count = 4, width = 512, height = 384): string[] {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `photo-${i + 1}.jpg`;
    writeFileSync(join(dir, name), jpegOf(photo(width, height, 1000 + i), width, height, 85));
    names.push(name);
  }
  // Saved once at 75 (decode that save), a region of another photo pasted in, saved again at 95.
  const first = jpegJs.decode(jpegOf(photo(width, height, 7), width, height, 75), { useTArray: true });
  const other = photo(width, height, 8);
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) rgb.set(first.data.subarray(p * 4, p * 4 + 3), p * 3);
  const { x, y, width: w, height: h } = splicedPatch(width, height);
  for (let row = y; row < y + h; row++) {
    const at = (row * width + x) * 3;
    rgb.set(other.subarray(at, at + w * 3), at);
  }
  writeFileSync(join(dir, 'spliced.jpg'), jpegOf(rgb, width, height, 95));
  names.push('spliced.jpg');
  return names;
}
