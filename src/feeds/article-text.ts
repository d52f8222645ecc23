import { createHash } from 'node:crypto';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

/** An article page's main text (Readability over linkedom's DOM: no browser), title included when found. */
export function articleTextFromHtml(html: string, url: string): { title: string | null; text: string } {
  const { document } = parseHTML(html);
  try {
    Object.defineProperty(document, 'documentURI', { value: url });
  } catch {
    // linkedom may not allow it; Readability only uses it to resolve links.
  }
  const article = new Readability(document as unknown as Document).parse();
  const text = (article?.textContent ?? document.body?.textContent ?? '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { title: article?.title?.trim() || null, text };
}

/** Case, punctuation and spacing do not make two copies of one story different. */
export function normalisedTextHash(text: string): string {
  const normal = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return createHash('sha256').update(normal).digest('hex');
}
