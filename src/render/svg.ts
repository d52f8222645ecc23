/** Small helpers for writing SVG as strings (no DOM: rendering is a pure function of the data). */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number for an SVG attribute: at most one decimal, no "-0". */
export function n(x: number): string {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

export type Attrs = Record<string, string | number | undefined | null>;

export function attrs(a: Attrs): string {
  let out = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined || v === null) continue;
    out += ` ${k}="${typeof v === 'number' ? n(v) : esc(v)}"`;
  }
  return out;
}

export function el(tag: string, a: Attrs, children?: string): string {
  return children === undefined ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${children}</${tag}>`;
}

export function text(x: number, y: number, s: string, a: Attrs = {}): string {
  return el('text', { x, y, ...a }, esc(s));
}

/** 1234567 -> "1,234,567". Integers by hand: toLocaleString goes through ICU, slow for thousands of markers. */
export function thousands(v: number): string {
  if (!Number.isSafeInteger(v)) return v.toLocaleString('en-US');
  return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
