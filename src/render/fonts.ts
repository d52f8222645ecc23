import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The fonts every picture is drawn with, bundled from the dejavu-fonts-ttf npm package (Bitstream Vera
 * licence plus public-domain DejaVu changes), so a PNG looks the same on every machine and never
 * depends on the fonts the host happens to have.
 */
export const FONT_FAMILY = 'DejaVu Sans';

const require = createRequire(import.meta.url);
const FONT_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

export const FONT_FILES: readonly string[] = [join(FONT_DIR, 'DejaVuSans.ttf'), join(FONT_DIR, 'DejaVuSans-Bold.ttf')];

/**
 * Approximate advance width of a string in DejaVu Sans, in pixels, for layout decisions (wrapping,
 * label collisions). DejaVu Sans is wide: its mean advance over English text is about 0.6 em, caps and
 * wide letters more, narrow ones less. Deliberately errs on the wide side.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    if ("il.,:;'|!ı".includes(ch)) em += 0.32;
    else if ('fjrt()[] '.includes(ch)) em += 0.4;
    else if ('mwMW'.includes(ch)) em += 0.95;
    else if (/[A-Z]/.test(ch)) em += 0.72;
    else if (/[0-9]/.test(ch)) em += 0.64;
    else em += 0.62;
  }
  return em * fontSize * (bold ? 1.1 : 1);
}

/** Splits text into lines no wider than `maxWidth`, breaking at spaces (a single over-long word stays whole). */
export function wrapText(text: string, fontSize: number, maxWidth: number, bold = false): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    const next = cur ? `${cur} ${w}` : w;
    if (cur && textWidth(next, fontSize, bold) > maxWidth) {
      lines.push(cur);
      cur = w;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  return lines;
}

/** Cuts text to fit `maxWidth`, ending it with an ellipsis when cut. */
export function fitText(text: string, fontSize: number, maxWidth: number, bold = false): string {
  if (textWidth(text, fontSize, bold) <= maxWidth) return text;
  let s = text;
  while (s.length > 1 && textWidth(`${s}…`, fontSize, bold) > maxWidth) s = s.slice(0, -1);
  return `${s.trimEnd()}…`;
}
