import { Resvg } from '@resvg/resvg-js';
import { FONT_FAMILY, FONT_FILES } from './fonts.ts';

export interface Png {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * SVG -> PNG with resvg (a Rust renderer shipped as a prebuilt binary inside the npm package: no
 * browser, no network). Only the bundled fonts are loaded, never the system's.
 */
export function svgToPng(svg: string): Png {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: [...FONT_FILES], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'original' },
    shapeRendering: 2,
    textRendering: 1,
    logLevel: 'off',
  });
  const img = resvg.render();
  return { data: img.asPng(), width: img.width, height: img.height };
}

/** Width and height from a PNG's IHDR chunk; throws if the bytes are not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } {
  const SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || SIG.some((b, i) => png[i] !== b) || png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
