/**
 * One HTTP GET of a feed or an article, within limits: a deadline, a size cap, a redirect cap (and loop
 * detection), accepted content types, and conditional GET (ETag / Last-Modified) so an unchanged feed costs
 * the publisher one short 304. Every way it can fail is a named reason, logged and shown to the operator.
 */

export type FetchProblemReason = 'timeout' | 'too-large' | 'redirect-loop' | 'too-many-redirects' | 'http-status' | 'content-type' | 'network' | 'bad-url';

export class FetchProblem extends Error {
  constructor(
    readonly reason: FetchProblemReason,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FetchProblem';
  }
}

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Accepted media types (without parameters); a response of another type is refused unread. */
  accept: readonly string[];
}

export const FEED_LIMITS: FetchLimits = {
  timeoutMs: 15_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  accept: ['application/rss+xml', 'application/atom+xml', 'application/rdf+xml', 'application/xml', 'text/xml', 'application/feed+json'],
};

export const ARTICLE_LIMITS: FetchLimits = {
  timeoutMs: 15_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  accept: ['text/html', 'application/xhtml+xml', 'text/plain'],
};

export interface Validators {
  etag?: string | null;
  lastModified?: string | null;
}

export type FetchResult =
  | { kind: 'not-modified'; url: string }
  | { kind: 'ok'; url: string; body: string; contentType: string; etag: string | null; lastModified: string | null };

export const USER_AGENT = 'incident-bot (+https://github.com/; feed reader for a sourced conflict dataset)';

async function readCapped(res: Response, maxBytes: number, url: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw new FetchProblem('too-large', `${url} is ${declared} bytes, over the limit of ${maxBytes}`);
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new FetchProblem('too-large', `${url} sent more than the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function mediaType(header: string | null): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** GET `url` within `limits`; throws FetchProblem with a named reason. */
export async function fetchLimited(url: string, limits: FetchLimits, validators: Validators = {}, fetchImpl: typeof fetch = fetch): Promise<FetchResult> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const seen = new Set<string>();
  let current = url;
  try {
    for (let hop = 0; ; hop++) {
      let parsed: URL;
      try {
        parsed = new URL(current);
      } catch {
        throw new FetchProblem('bad-url', `not a URL: ${current}`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new FetchProblem('bad-url', `only http(s) URLs are fetched: ${current}`);
      seen.add(parsed.href);
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: `${limits.accept.join(', ')};q=1, */*;q=0.1` };
      if (validators.etag) headers['if-none-match'] = validators.etag;
      if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
      const res = await fetchImpl(parsed, { headers, redirect: 'manual', signal });
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        await res.body?.cancel();
        const location = res.headers.get('location');
        if (!location) throw new FetchProblem('http-status', `${current} answered ${res.status} without a Location`, res.status);
        const next = new URL(location, parsed).href;
        if (seen.has(next)) throw new FetchProblem('redirect-loop', `${url} redirects in a loop (back to ${next})`, res.status);
        if (hop + 1 > limits.maxRedirects) throw new FetchProblem('too-many-redirects', `${url} redirects more than ${limits.maxRedirects} times`, res.status);
        current = next;
        continue;
      }
      if (res.status === 304) {
        await res.body?.cancel();
        return { kind: 'not-modified', url: current };
      }
      if (res.status < 200 || res.status >= 300) {
        await res.body?.cancel();
        throw new FetchProblem('http-status', `${current} answered HTTP ${res.status}`, res.status);
      }
      const type = mediaType(res.headers.get('content-type'));
      if (!limits.accept.includes(type)) {
        await res.body?.cancel();
        throw new FetchProblem('content-type', `${current} is ${type || 'of no stated type'}, not one of ${limits.accept.join(', ')}`, res.status);
      }
      const body = await readCapped(res, limits.maxBytes, current);
      return { kind: 'ok', url: current, body, contentType: type, etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') };
    }
  } catch (err) {
    if (err instanceof FetchProblem) throw err;
    if (signal.aborted) throw new FetchProblem('timeout', `${url} did not answer within ${limits.timeoutMs} ms`);
    throw new FetchProblem('network', `${url}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`);
  }
}
