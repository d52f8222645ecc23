import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Limits on downloading a GED release: a GED Candidate CSV is a few MB, a full global release a few hundred. */
export interface ReleaseFetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

export const RELEASE_LIMITS: ReleaseFetchLimits = { timeoutMs: 120_000, maxBytes: 512 * 1024 * 1024 };

export class ReleaseFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseFetchError';
  }
}

/** Whether an import argument is a URL to download rather than a file. */
export const isReleaseUrl = (s: string) => /^https?:\/\//i.test(s);

/**
 * Downloads a release CSV to a temporary file, within a deadline (the whole download) and a size cap
 * (counted while reading, so an endless body is cut off), and returns the file's path. A non-2xx
 * status, a timeout or a body over the cap is a ReleaseFetchError saying which; nothing is imported then.
 */
export async function fetchRelease(url: string, limits: ReleaseFetchLimits = RELEASE_LIMITS): Promise<string> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const fail = (why: string) => new ReleaseFetchError(`${url}: ${why}; nothing was imported`);
  const timedOut = () => fail(`no complete answer within ${limits.timeoutMs / 1000} s`);
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (e) {
    throw signal.aborted ? timedOut() : fail(`cannot be fetched (${(e as Error).message})`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw fail(`the server answered HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    await res.body?.cancel();
    throw fail(`it is ${declared} bytes, over the limit of ${limits.maxBytes}`);
  }
  const path = join(await mkdtemp(join(tmpdir(), 'ged-release-')), 'release.csv');
  const out = createWriteStream(path);
  let bytes = 0;
  try {
    for await (const chunk of res.body ?? []) {
      bytes += (chunk as Uint8Array).byteLength;
      if (bytes > limits.maxBytes) throw fail(`the body passed the limit of ${limits.maxBytes} bytes`);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
  } catch (e) {
    out.destroy();
    if (e instanceof ReleaseFetchError) throw e;
    throw signal.aborted ? timedOut() : fail(`the download broke off (${(e as Error).message})`);
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return path;
}
