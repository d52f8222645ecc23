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
      const body = parts[k + 1]!.replace(/<\/svg>\s*$/, '')
        .trimEnd()
        .replace(/<\/g>$/, '')
        .trim();
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
