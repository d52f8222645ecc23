/**
 * From an article to draft records, offline:
 *   npm run --silent extract -- [--json] [--published YYYY-MM-DD] [--title T] [--url U] [--publisher P] <file | ->
 * Exit 0 with an answer (also "No incidents found."), 2 with a one-line message for unreadable input,
 * empty text, or a missing or malformed --published.
 */
import './exit-on-closed-pipe.ts';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadDataset } from '../data/load-dataset.ts';
import { extractArticle } from '../extract/extract-article.ts';
import { htmlToText, looksLikeHtml } from '../extract/html-text.ts';
import { extractionData } from '../extract/link.ts';
import { isIsoDay, statedPublicationDate } from '../extract/published-date.ts';
import { renderReview } from './extract-review.ts';

const USAGE = 'usage: npm run --silent extract -- [--json] [--published YYYY-MM-DD] [--title T] [--url U] [--publisher P] <file | ->';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function main() {
  const parse = () =>
    parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        published: { type: 'string' },
        title: { type: 'string' },
        url: { type: 'string' },
        publisher: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (e) {
    fail(`${(e as Error).message.split('\n')[0]} (${USAGE})`);
  }
  if (args.values.help) return void process.stdout.write(`${USAGE}\n`);
  if (args.positionals.length !== 1) fail(USAGE);
  const file = args.positionals[0]!;
  const { published: givenDate, url } = args.values;
  if (givenDate !== undefined && !isIsoDay(givenDate)) fail(`--published must be a real date YYYY-MM-DD, not "${givenDate}".`);
  if (url !== undefined && !URL.canParse(url)) fail(`--url must be a full URL, not "${url}".`);

  let raw: Buffer;
  try {
    raw = file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (e) {
    fail(`Cannot read ${file === '-' ? 'standard input' : file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(raw);
  if (raw.includes(0) || (decoded.match(/\uFFFD/g)?.length ?? 0) > decoded.length / 100)
    fail(`Cannot read ${file === '-' ? 'standard input' : file}: not UTF-8 text.`);
  let text = decoded.replace(/^\uFEFF/, '');
  let title = args.values.title ?? null;
  let htmlDate: string | null = null;
  if (looksLikeHtml(text)) {
    const page = htmlToText(text);
    text = page.text;
    title ??= page.title;
    htmlDate = page.published;
  }
  if (!text.trim()) fail(`${file === '-' ? 'Standard input' : file} has no article text.`);
  const published = givenDate ?? htmlDate ?? statedPublicationDate(text);
  if (!published) fail('The article states no publication date: give it with --published YYYY-MM-DD.');

  const ds = loadDataset();
  const result = extractArticle({ text, published, title, url: url ?? null, publisher: args.values.publisher ?? null }, extractionData(ds));
  if (args.values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${renderReview(result, { place: (id) => ds.gazetteer.get(id)?.name ?? id, actor: (id) => ds.actorName(id) })}\n`);
}

main();
