/** The main text of an HTML page (Readability over a linkedom document), one paragraph per line. */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

export function looksLikeHtml(input: string): boolean {
  return /^\s*(?:<!doctype html|<html[\s>]|<(?:head|body|article|p|div)[\s>])/i.test(input);
}

export interface HtmlArticle {
  title: string | null;
  text: string;
  published: string | null;
}

export function htmlToText(html: string): HtmlArticle {
  const { document } = parseHTML(html);
  const published = document.querySelector('meta[property="article:published_time"], meta[name="date"], time[datetime]');
  const when = published?.getAttribute('content') ?? published?.getAttribute('datetime') ?? null;
  const article = new Readability(document as unknown as Document, { charThreshold: 50 }).parse();
  const container = parseHTML(`<html><body>${article?.content ?? ''}</body></html>`).document;
  const blocks = [...container.querySelectorAll('p, h1, h2, h3, li, blockquote')]
    .filter((el) => !el.querySelector('p, li'))
    .map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const text = blocks.length ? blocks.join('\n\n') : (article?.textContent ?? '').trim();
  return { title: article?.title?.trim() || null, text, published: when && /^\d{4}-\d{2}-\d{2}/.test(when) ? when.slice(0, 10) : null };
}
