import { inflateSync } from 'node:zlib';
import { Resvg, renderAsync } from '@resvg/resvg-js';
import { FONT_FAMILY, FONT_FILES } from './fonts.ts';

export interface Png {
  data: Buffer;
  width: number;
  height: number;
}

const OPTIONS = {
  font: { loadSystemFonts: false, fontFiles: [...FONT_FILES], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  fitTo: { mode: 'original' as const },
  shapeRendering: 2 as const,
  textRendering: 1 as const,
  logLevel: 'off' as const,
};

/**
 * SVG -> PNG with resvg (a Rust renderer shipped as a prebuilt binary inside the npm package: no
 * browser, no network). Only the bundled fonts are loaded, never the system's. Text is swapped for
 * its outlines from a cache first (see textToPaths), which is the same drawing, only faster.
 */
export function svgToPng(svg: string): Png {
  const img = new Resvg(textToPaths(svg), OPTIONS).render();
  return { data: img.asPng(), width: img.width, height: img.height };
}

/**
 * The same picture, with resvg's parsing and drawing on libuv's thread pool instead of the main
 * thread: a Syria-wide map would otherwise block the bot's event loop (gateway heartbeats, other
 * interactions) for the whole render. Only outlining new texts and the PNG encoding stay here.
 */
export async function svgToPngAsync(svg: string): Promise<Png> {
  const img = await renderAsync(textToPaths(svg), OPTIONS);
  return { data: img.asPng(), width: img.width, height: img.height };
}

const TEXT = /<text\b[^>]*>[^<]*<\/text>/g;
const textCache = new Map<string, string>();
const TEXT_CACHE_MAX = 5000;

/**
 * Replaces every <text> element with the outline paths resvg makes of it, remembering them by the
 * element's exact markup. Shaping and outlining glyphs is most of resvg's parse time (tens of
 * microseconds a glyph with DejaVu Sans), and most of a picture's text — legend, attribution, place
 * labels — repeats from one picture to the next. Texts not yet known are outlined together in one
 * resvg pass (each wrapped in a group with an id, which resvg keeps in its output).
 * Elements inherit only the root's font-family, which the batch repeats; every text sets its own fill.
 */
export function textToPaths(svg: string): string {
  const texts = svg.match(TEXT) ?? [];
  const missing = [...new Set(texts.filter((t) => !textCache.has(t)))];
  if (missing.length) {
    if (textCache.size + missing.length > TEXT_CACHE_MAX) textCache.clear();
    const batch =
      `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000" font-family="${FONT_FAMILY}">` +
      missing.map((t, i) => `<g id="t${i}">${t}</g>`).join('') +
      '</svg>';
    const out = new Resvg(batch, OPTIONS).toString();
    const found = new Map<number, string>();
    const parts = out.split(/<g id="t(\d+)">/);
    // parts: [prefix, id0, body0, id1, body1, ...]; each body ends with the </g> closing its group.
    for (let k = 1; k + 1 < parts.length; k += 2) {
      const body = parts[k + 1]!.replace(/<\/svg>\s*$/, '').trimEnd().replace(/<\/g>$/, '').trim();
      // Only well-formed bodies are used; anything else keeps its <text> (slower, same picture).
      if ((body.match(/<g[\s>]/g) ?? []).length === (body.match(/<\/g>/g) ?? []).length) found.set(Number(parts[k]), body);
    }
    missing.forEach((t, i) => {
      const paths = found.get(i);
      if (paths !== undefined) textCache.set(t, paths);
    });
  }
  return svg.replace(TEXT, (t) => textCache.get(t) ?? t);
}

/** Forgets every outlined text (for benchmarks that measure the uncached cost). */
export function clearTextCache(): void {
  textCache.clear();
}

/** Width and height from a PNG's IHDR chunk; throws if the bytes are not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } {
  const SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || SIG.some((b, i) => png[i] !== b) || png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * Decodes an 8-bit RGBA, non-interlaced PNG (what resvg writes) to its pixels, undoing the per-row
 * filters. Used by tests to check a picture pixel by pixel, and it fails loudly on anything else.
 */
export function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  const { width, height } = pngSize(png);
  if (png[24] !== 8 || png[25] !== 6 || png[28] !== 0) throw new Error('only 8-bit RGBA non-interlaced PNGs are supported');
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    if (type === 'IEND') break;
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  if (raw.length !== height * (stride + 1)) throw new Error(`PNG data is ${raw.length} bytes, expected ${height * (stride + 1)}`);
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i]!;
      const a = i >= 4 ? out[row + i - 4]! : 0;
      const b = y > 0 ? out[row - stride + i]! : 0;
      const c = i >= 4 && y > 0 ? out[row - stride + i - 4]! : 0;
      let v: number;
      if (filter === 0) v = x;
      else if (filter === 1) v = x + a;
      else if (filter === 2) v = x + b;
      else if (filter === 3) v = x + ((a + b) >> 1);
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      } else throw new Error(`bad PNG filter ${filter} on row ${y}`);
      out[row + i] = v & 0xff;
    }
  }
  return { width, height, rgba: out };
}

/** The [r, g, b, a] of one pixel of a decoded PNG. */
export function pixel(img: { width: number; rgba: Buffer }, x: number, y: number): [number, number, number, number] {
  const i = (Math.round(y) * img.width + Math.round(x)) * 4;
  return [img.rgba[i]!, img.rgba[i + 1]!, img.rgba[i + 2]!, img.rgba[i + 3]!];
}
