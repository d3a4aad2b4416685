/** Number formatting shared by the report writers. */

/** Milliseconds: 3 significant digits, no more than 2 decimals. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A speed-up ratio: `×12.3`, `×1.85`, `×0.41`. */
export function ratio(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return `×${value >= 10 ? value.toFixed(1) : value.toFixed(2)}`;
}

/** µs per task. */
export function us(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export function mb(value: number): string {
  return Number.isFinite(value) ? value.toFixed(0) : '—';
}

/** Escapes text for XML/SVG. */
export function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A kernel row's name: the kernel, and its variant when it is measured more than once. */
export function kernelLabel(k: { name: string; variant?: string }): string {
  return k.variant ? `${k.name} (${k.variant})` : k.name;
}

/** The same as a Markdown table cell: the kernel's name as code. */
export function kernelCell(k: { name: string; variant?: string }): string {
  return k.variant ? `\`${k.name}\` (${k.variant})` : `\`${k.name}\``;
}

/** A figure of any unit: 3 significant digits (0.281, 1.57, 44.2, 1234). */
export function num(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toFixed(3);
}
