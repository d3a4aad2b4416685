/**
 * Typed-array arguments, checked as Node's own APIs check them (by brand, through the intrinsic
 * getters), so every kernel that takes one refuses the same impostors with the same errors.
 */
import { invalidArgType, invalidArgValue } from '../core/validate.js';

/**
 * The intrinsic `%TypedArray%.prototype` getters. A subclass (or an own property) can override
 * `length`, `buffer` and `byteOffset` on an instance; these read the view's internal slots.
 */
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const slot = (key: 'length' | 'buffer' | 'byteOffset'): ((this: unknown) => unknown) =>
  Object.getOwnPropertyDescriptor(typedArrayProto, key)?.get as (this: unknown) => unknown;
const realLength = slot('length');
const realBuffer = slot('buffer');
const realByteOffset = slot('byteOffset');

/**
 * A typed-array argument, checked by brand as Node's own APIs do (`util.types`): not
 * `instanceof`, which `Object.create(Float64Array.prototype)` passes and a `Proxy` of a real
 * array passes too, and both fail later, uncoded. Returns a plain view of the same memory read
 * through the internal slots, so a subclass whose `length` getter lies is measured by its real
 * length and both backends see the same elements. A detached view, or one left out of bounds by
 * a shrunk resizable buffer, reads as empty through every getter: it is refused here rather than
 * hashed or sorted as "nothing".
 */
export function checkView<T extends Uint8Array | Float64Array>(
  name: string,
  value: unknown,
  type: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T,
  expected: string,
): T {
  const { types } = process.getBuiltinModule('node:util');
  const branded = type === (Float64Array as unknown) ? types.isFloat64Array(value) : types.isUint8Array(value);
  if (!branded) throw invalidArgType(name, expected, value);
  const length = realLength.call(value) as number;
  const buffer = realBuffer.call(value) as ArrayBufferLike;
  if (length === 0) {
    // Only an empty reading is ambiguous: constructing from a view refuses a detached or
    // out-of-bounds one (V8 says "detached" for both).
    try {
      new Uint8Array(value as Uint8Array);
    } catch {
      const resizable = buffer instanceof ArrayBuffer && (buffer as { resizable?: boolean }).resizable === true;
      throw invalidArgValue(name, value, resizable ? 'is out of bounds of its resized ArrayBuffer' : 'is detached');
    }
  }
  return new type(buffer, realByteOffset.call(value) as number, length);
}

export function checkFloat64Array(name: string, value: unknown): Float64Array {
  return checkView(name, value, Float64Array, 'an instance of Float64Array');
}
