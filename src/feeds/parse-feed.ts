import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLValidator } from 'fast-xml-parser';

/** One entry of a feed, as much as the bot needs: where the article is, and what identifies it. */
export interface FeedEntry {
  /** The entry's guid/id, or its link when it has none. */
  guid: string;
  url: string;
  title: string | null;
  /** ISO instant, when the feed gives one. */
  published: string | null;
  summary: string | null;
}

export class FeedParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedParseError';
  }
}

/**
 * RSS, Atom and RDF through @rowanmanning/feed-parser (lenient with real-world feeds, resolves relative
 * links). Entries without a link are skipped: there is no article to read.
 */
export function parseFeedEntries(xml: string, feedUrl: string): { entries: FeedEntry[]; wellFormed: boolean } {
  const entries = readEntries(xml, feedUrl);
  // Real feeds are often slightly broken, and the parser reads what it can; a document it could read
  // no article from and that is not well-formed XML is reported as malformed, with the XML error.
  const check = XMLValidator.validate(xml);
  const wellFormed = check === true;
  if (!wellFormed && entries.length === 0) {
    const e = check.err;
    throw new FeedParseError(`${feedUrl} is not well-formed XML (line ${e.line}, column ${e.col}: ${e.msg})`);
  }
  return { entries, wellFormed };
}

function readEntries(xml: string, feedUrl: string): FeedEntry[] {
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(xml);
  } catch (err) {
    throw new FeedParseError(`${feedUrl} is not a readable RSS or Atom feed (${err instanceof Error ? err.message : String(err)})`);
  }
  const entries: FeedEntry[] = [];
  for (const item of feed.items) {
    if (!item.url) continue;
    let url: string;
    try {
      url = new URL(item.url, feedUrl).href;
    } catch {
      continue;
    }
    entries.push({
      guid: item.id ?? url,
      url,
      title: item.title ?? null,
      published: item.published ? item.published.toISOString() : null,
      summary: item.description ?? null,
    });
  }
  return entries;
}
