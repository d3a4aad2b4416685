// The empty task of the dispatch benchmark, for Tinypool and Piscina (default export).
export default function noop(value) {
  return value;
}
