/**
 * `ela`: the twin of `crates/core/src/kernels/ela.rs`, on pure-JavaScript codecs: jpeg-js for
 * the JPEG decode and re-encode, fast-png for the map.
 *
 * Not bit-identical to the native kernel, and it cannot be: jpeg-js encodes with a float DCT and
 * no chroma subsampling, and decodes without libjpeg's fancy upsampling and with its own IDCT.
 * The quantisation tables and quality scaling are IJG's, so error levels come out of the same
 * order; the tolerance is stated in `kernels.ela` and tested in `__test__/kernels/ela.spec.ts`. What
 * is identical: the checks on the input (header first, the same pixel limit), the definitions
 * of the statistics and of the map's scaling, and the PNG's format.
 */

import { encode as encodePng } from 'fast-png';
import jpegJs from 'jpeg-js';
import { SpindleError } from '../../core/errors.js';
import { type ElaArgs, type ElaResult, MAX_ELA_PIXELS } from '../shapes.js';
import type { Progress } from './progress.js';

/** Samples compared between two progress calls. */
const BAND = 1 << 18;

/** jpeg-js's own guard against runaway allocations, set well above what MAX_ELA_PIXELS needs. */
const MAX_MEMORY_MB = 4096;

/** The input is not a JPEG the twin can decode (the code crosses back to the main thread as data). */
function invalidImage(message: string): Error {
  return new SpindleError(message, 'ERR_SPINDLE_INVALID_IMAGE');
}

/** What the twin needs of a JPEG's header. */
interface Header {
  width: number;
  height: number;
}

/**
 * Walks the markers up to the first scan, as libjpeg's header reader does, and checks that the
 * stream is one jpeg-js can decode and not larger than `MAX_ELA_PIXELS` — before anything is
 * decoded or allocated. Then checks what follows as the native kernel does: no more than
 * `MAX_SCANS` scans, and an EOI marker at the end (jpeg-js decodes a truncated stream without a
 * word, where libjpeg, and so the native kernel, refuses it).
 */
function readHeader(bytes: Uint8Array): Header {
  if (bytes.length === 0) throw invalidImage('the input is empty (0 bytes)');
  if (bytes.length < 2 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    const hex = (b: number | undefined): string => `0x${(b ?? 0).toString(16).padStart(2, '0')}`;
    throw invalidImage(`Not a JPEG file: starts with ${hex(bytes[0])} ${hex(bytes[1])}`);
  }
  const u16 = (at: number): number => ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
  let frame: { precision: number; height: number; width: number; components: number; kind: number } | undefined;
  let at = 2;
  for (;;) {
    // Fill bytes (0xFF runs) may precede a marker.
    while (at < bytes.length && bytes[at] === 0xff && bytes[at + 1] === 0xff) at++;
    if (at + 1 >= bytes.length) throw invalidImage('Premature end of JPEG file (in the header)');
    if (bytes[at] !== 0xff) throw invalidImage(`Corrupt JPEG data: no marker at byte ${at}`);
    const marker = bytes[at + 1] as number;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9) throw invalidImage('the JPEG has no image (EOI before any scan)');
    if (at + 3 >= bytes.length) throw invalidImage('Premature end of JPEG file (in the header)');
    const length = u16(at + 2);
    if (length < 2 || at + 2 + length > bytes.length) {
      throw invalidImage('Premature end of JPEG file (in the header)');
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (length < 8) throw invalidImage('Bogus marker length');
      frame = {
        precision: bytes[at + 4] as number,
        height: u16(at + 5),
        width: u16(at + 7),
        components: bytes[at + 9] as number,
        kind: marker,
      };
    }
    if (marker === 0xda) {
      if (!frame) throw invalidImage('Corrupt JPEG data: a scan before any frame header');
      break;
    }
    at += 2 + length;
  }
  const { precision, width, height, components, kind } = frame;
  if (kind !== 0xc0 && kind !== 0xc1 && kind !== 0xc2) {
    const what = kind === 0xc3 || kind === 0xc7 || kind === 0xcb || kind === 0xcf ? 'lossless' : 'arithmetic-coded';
    throw invalidImage(`${what} JPEGs are not supported by the js backend's decoder`);
  }
  if (precision !== 8) throw invalidImage(`Unsupported JPEG data precision ${precision}`);
  if (components === 4) throw invalidImage('CMYK and YCCK JPEGs are not supported');
  if (components !== 1 && components !== 3) throw invalidImage(`Unsupported number of components ${components}`);
  const pixels = width * height;
  if (pixels === 0) throw invalidImage(`the image is empty (${width}×${height} pixels)`);
  if (pixels > MAX_ELA_PIXELS) {
    throw invalidImage(`the image is ${width}×${height} = ${pixels} pixels; ela accepts at most ${MAX_ELA_PIXELS}`);
  }
  const { scans, eoi } = scansFrom(bytes, at);
  if (scans > MAX_SCANS) throw invalidImage(`Progressive JPEG image has more than ${MAX_SCANS} scans`);
  if (!eoi) throw invalidImage('Premature end of JPEG file');
  return { width, height };
}

/** The native kernel's limit on progressive scans (see `MAX_SCANS` in the Rust kernel). */
const MAX_SCANS = 500;

/**
 * The scans (SOS markers) from `from` on, and whether an EOI marker ends them. Markers can be
 * found by a plain search: inside entropy-coded data every 0xFF byte is followed by 0x00.
 */
function scansFrom(bytes: Uint8Array, from: number): { scans: number; eoi: boolean } {
  let scans = 0;
  for (let i = bytes.indexOf(0xff, from); i >= 0 && i + 1 < bytes.length; i = bytes.indexOf(0xff, i + 1)) {
    const marker = bytes[i + 1];
    if (marker === 0xda) scans++;
    else if (marker === 0xd9) return { scans, eoi: true };
  }
  return { scans, eoi: false };
}

/** `bytes` decoded to RGB by jpeg-js; its failures become `failure(message)`. */
function decodeRgb(bytes: Uint8Array, failure: (message: string) => Error): Uint8Array {
  try {
    return jpegJs.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: MAX_ELA_PIXELS / 1e6,
      maxMemoryUsageInMB: MAX_MEMORY_MB,
    }).data;
  } catch (error) {
    throw failure(error instanceof Error ? error.message : String(error));
  }
}

/** `min(255, round(d × scale))` for every difference `d`, as the native kernel computes it. */
function scaleTable(scale: number): Uint8Array {
  const lut = new Uint8Array(256);
  for (let d = 0; d < 256; d++) lut[d] = Math.min(255, Math.round(d * scale));
  return lut;
}

/**
 * The Error Level Analysis of `jpeg` (see `kernels.ela`). Throws an `ERR_SPINDLE_INVALID_IMAGE`
 * error for input it cannot decode. `jpeg` is only read.
 */
export function ela(jpeg: Uint8Array, options: ElaArgs, progress: Progress): ElaResult {
  const { width, height } = readHeader(jpeg);
  const original = decodeRgb(jpeg, invalidImage);
  progress(0.3);

  const pixels = width * height;
  // jpeg-js encodes from RGBA.
  const rgba = new Uint8Array(pixels * 4);
  for (let i = 0, j = 0; i < pixels * 3; i += 3, j += 4) {
    rgba[j] = original[i] as number;
    rgba[j + 1] = original[i + 1] as number;
    rgba[j + 2] = original[i + 2] as number;
    rgba[j + 3] = 255;
  }
  const resavedJpeg = jpegJs.encode({ data: rgba, width, height }, options.quality).data;
  progress(0.6);
  const resaved = decodeRgb(resavedJpeg, (message) => new Error(`decoding the re-encoded image failed: ${message}`));
  progress(0.75);

  const lut = scaleTable(options.scale);
  const samples = pixels * 3;
  const map = new Uint8Array(samples);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    const d = Math.abs((original[i] as number) - (resaved[i] as number));
    if (d > max) max = d;
    sum += d;
    map[i] = lut[d] as number;
    if ((i & (BAND - 1)) === BAND - 1) progress(0.75 + (0.1 * i) / samples);
  }
  progress(0.85);
  const png = encodePng({ width, height, data: map, channels: 3, depth: 8 });
  return { png, width, height, maxDifference: max, meanDifference: sum / samples };
}
