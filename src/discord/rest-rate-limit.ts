import { DefaultRestOptions, type RESTOptions } from 'discord.js';

/**
 * Discord counts the global limit (50 requests a second) per bot token, over every process using it.
 * Interaction callbacks and follow-ups (/interactions, /webhooks) are not bound by it.
 */
export function countsTowardGlobalLimit(url: string): boolean {
  const path = new URL(url).pathname;
  return !/\/(interactions|webhooks)\//.test(path);
}

/**
 * discord.js REST's `makeRequest` with a wait for a shared token before each request that counts toward
 * the global limit, so every process of the bot together stays under it. Each network request (a retry
 * too) takes one. The wait gives up when the request is aborted.
 */
export function globallyLimitedRequests(
  take: (signal?: AbortSignal) => Promise<void>,
  makeRequest: RESTOptions['makeRequest'] = DefaultRestOptions.makeRequest,
): RESTOptions['makeRequest'] {
  return async (url, init) => {
    if (countsTowardGlobalLimit(url)) await take((init.signal as AbortSignal | null | undefined) ?? undefined);
    return makeRequest(url, init);
  };
}
