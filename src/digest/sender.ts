import { AsyncLocalStorage } from 'node:async_hooks';
import { Routes } from 'discord-api-types/v10';
import { RateLimitError, REST, type RESTOptions } from 'discord.js';

/** The body of POST /channels/{id}/messages as the digest sends it. */
export interface DigestMessageBody {
  content?: string;
  embeds?: unknown[];
  /** Nobody is pinged; an alert may name the one role its channel chose. */
  allowed_mentions: { parse: []; roles?: string[] };
  /** Same for every attempt of one digest; with enforce_nonce Discord returns the first message instead of posting again. */
  nonce: string;
  enforce_nonce: true;
}

export interface SendOptions {
  /** Aborts the request: its deadline passed (it would leave Discord's nonce window) or the runner is stopping. */
  signal?: AbortSignal;
  /** How long the request may still take (ms): a rate-limit wait longer than this is not waited out but thrown. */
  remainingMs?: () => number;
  /** The post's title when the channel is a forum (a new post per message; at most 100 characters). */
  postTitle?: string;
  /**
   * An earlier request for this message may have posted it (no clear answer, or a process died mid-send).
   * A forum post carries no nonce, so the forum is first searched for the post (its title and `marker`).
   */
  maybePosted?: boolean;
  /** What marks this message as this one in its embed footer (see digestMarker). */
  marker?: string;
}

/** Posts a message. Throws on failure; the error's `status`/`code` (as discord.js sets them) decide what happens. */
export interface DigestSender {
  send(channelId: string, body: DigestMessageBody, opts?: SendOptions): Promise<{ id: string }>;
  /**
   * A message of this bot in the channel, posted after `sinceMs` (wall clock), whose embed footer carries
   * `marker`; null if there is none. Throws as `send` does when the channel cannot be read.
   */
  find?(channelId: string, marker: string, sinceMs: number, opts?: SendOptions): Promise<{ id: string } | null>;
}

/** Why a request was given up by us (not by Discord): see classifySendError. */
export class SendAbortedError extends Error {
  constructor(readonly reason: 'deadline' | 'stop') {
    super(reason === 'deadline' ? "gave up at the deadline that keeps a resend inside Discord's nonce window" : 'the digest runner is stopping');
    this.name = 'SendAbortedError';
  }
}

/**
 * A forum post (POST /channels/{id}/threads) carries no nonce, so Discord cannot deduplicate a resend:
 * when such a request gets no clear answer, the next attempt first looks for the post in the forum
 * (SendOptions.maybePosted) and creates it only if it is not there.
 */
export class ForumPostUnclearError extends Error {
  constructor(cause: unknown) {
    super(
      `no clear answer while creating the forum post (${cause instanceof Error ? cause.message : String(cause)}); it may have been posted, so the forum is searched for it before any resend`,
      { cause },
    );
    this.name = 'ForumPostUnclearError';
  }
}

/** The discord.js REST manager's calls the digest makes. */
export type RestLike = Pick<REST, 'post' | 'get'>;

/** What the running send may still wait; read by the REST manager's rejectOnRateLimit (same async context). */
const sendBudget = new AsyncLocalStorage<() => number>();

/**
 * A REST manager for the digest's and alerts' own requests: like the bot's (same API, token and options),
 * but a rate-limit wait longer than the send may still take is thrown (RateLimitError) instead of waited
 * out, so a send never waits past its deadline and one channel's long 429 holds nothing up. And it never
 * resends by itself (`retries: 0`): discord.js would resend a request that got a 5xx or timed out, and a
 * forum post carries no nonce, so a post Discord made before failing would be made twice. The runners
 * retry instead, with the nonce for a message and after looking in the forum for a post.
 */
export function createDigestRest(options: Partial<RESTOptions>, token: string): REST {
  return new REST({
    ...options,
    retries: 0,
    rejectOnRateLimit: (data) => {
      const remaining = sendBudget.getStore();
      return remaining !== undefined && Math.max(data.retryAfter, data.timeToReset) >= remaining();
    },
  }).setToken(token);
}

const DISCORD_EPOCH = 1420070400000n;
/** The smallest message id Discord can have given at `ms`: `after` it lists what was posted since. */
const snowflakeAt = (ms: number) => String((BigInt(Math.max(Number(DISCORD_EPOCH), Math.floor(ms))) - DISCORD_EPOCH) << 22n);

/** Rejects when the signal aborts, with its reason; else settles as `p` does. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Sends through a discord.js REST manager. The request is made with the signal (discord.js then makes no
 * further request once it aborts, also none after a rate-limit wait) and the send returns at once when it
 * aborts, even while discord.js still waits.
 */
export function restSender(rest: RestLike, botUserId?: string, channels: ForumChannels = {}): DigestSender {
  const inBudget = <T>(opts: SendOptions | undefined, call: () => Promise<T>): Promise<T> =>
    untilAborted(opts?.remainingMs ? sendBudget.run(opts.remainingMs, call) : call(), opts?.signal);
  /** A post of this bot in the forum whose starter message carries `marker` (and, if given, titled `title`). */
  const findPost = async (forumId: string, marker: string, title: string | null, sinceMs: number, opts?: SendOptions): Promise<{ id: string } | null> => {
    const guildId = await channels.guildOf?.(forumId);
    if (!guildId) return null;
    const get = <T>(route: `/${string}`) => inBudget(opts, () => rest.get(route, { ...(opts?.signal ? { signal: opts.signal } : {}) })) as Promise<T>;
    // Posts still open, then the forum's archived ones (newest first; a post made minutes ago is among the first).
    const active = await get<{ threads?: ForumThread[] }>(Routes.guildActiveThreads(guildId));
    const archived = await get<{ threads?: ForumThread[] }>(Routes.channelThreads(forumId, 'public'));
    const after = BigInt(snowflakeAt(sinceMs));
    for (const t of [...(active.threads ?? []), ...(archived.threads ?? [])]) {
      if (t.parent_id !== forumId || BigInt(t.id) < after || (title !== null && t.name !== title) || (botUserId && t.owner_id !== botUserId)) continue;
      // A forum post's first message has the post's id.
      const first = await get<FoundMessage>(Routes.channelMessage(t.id, t.id));
      if ((first.embeds ?? []).some((e) => e.footer?.text?.includes(marker))) return { id: first.id };
    }
    return null;
  };
  return {
    async send(channelId, body, opts) {
      if (await channels.isForum?.(channelId)) {
        // A forum takes no messages: each one becomes a post of its own (a thread whose first message it is).
        const { nonce: _n, enforce_nonce: _e, ...message } = body;
        const name = (opts?.postTitle ?? 'Incident bot').slice(0, 100);
        if (opts?.maybePosted && opts.marker) {
          // No nonce protects a forum post: an earlier request may have created it, so look before creating another.
          const found = await findPost(channelId, opts.marker, name, 0, opts);
          if (found) return found;
        }
        let thread: { id?: unknown; message?: { id?: unknown } };
        try {
          thread = (await inBudget(opts, () =>
            rest.post(Routes.threads(channelId), { body: { name, message }, ...(opts?.signal ? { signal: opts.signal } : {}) }),
          )) as typeof thread;
        } catch (err) {
          const f = classifySendError(err);
          throw f.kind === 'transient' && f.unclear ? new ForumPostUnclearError(err) : err;
        }
        const id = thread?.message?.id ?? thread?.id;
        if (typeof id !== 'string') throw new Error('Discord answered without a post id');
        return { id };
      }
      const msg = (await inBudget(opts, () => rest.post(Routes.channelMessages(channelId), { body, ...(opts?.signal ? { signal: opts.signal } : {}) }))) as {
        id?: unknown;
      };
      if (typeof msg?.id !== 'string') throw new Error('Discord answered without a message id');
      return { id: msg.id };
    },
    async find(channelId, marker, sinceMs, opts) {
      if (await channels.isForum?.(channelId)) return findPost(channelId, marker, null, sinceMs, opts);
      let after = snowflakeAt(sinceMs);
      // Oldest first from `after`, 100 a page; a digest channel rarely has more in a few minutes.
      for (let page = 0; page < 10; page++) {
        const query = new URLSearchParams({ after, limit: '100' });
        const list = (await inBudget(opts, () =>
          rest.get(Routes.channelMessages(channelId), { query, ...(opts?.signal ? { signal: opts.signal } : {}) }),
        )) as FoundMessage[];
        if (!Array.isArray(list) || list.length === 0) return null;
        const hit = list.find((m) => (!botUserId || m.author?.id === botUserId) && (m.embeds ?? []).some((e) => e.footer?.text?.includes(marker)));
        if (hit) return { id: hit.id };
        if (list.length < 100) return null;
        after = list.reduce((max, m) => (BigInt(m.id) > BigInt(max) ? m.id : max), after);
      }
      return null;
    },
  };
}

/** What the sender needs to know about channels: which are forums, and the server a forum is in (to list its posts). */
export interface ForumChannels {
  isForum?: (channelId: string) => Promise<boolean>;
  guildOf?: (channelId: string) => string | null | Promise<string | null>;
}

interface ForumThread {
  id: string;
  parent_id?: string | null;
  name?: string;
  owner_id?: string;
}

interface FoundMessage {
  id: string;
  author?: { id?: string };
  embeds?: { footer?: { text?: string } }[];
}

export type SendFailure =
  /** The bot cannot post there: turn the subscription off and say why. */
  | { kind: 'disable'; message: string; reason: string }
  /**
   * Worth trying again later (5xx, timeouts, network, a 429 that reached us). `unclear`: no clear answer
   * (no HTTP status, or a 5xx), so Discord may have posted the message; a 429 clearly did not.
   */
  | { kind: 'transient'; message: string; retryAfterMs: number | null; unclear: boolean }
  /** Will fail the same way again (a rejected body): stop for today, keep the subscription. */
  | { kind: 'fail'; message: string };

const DISABLING: Record<number, string> = {
  50013: 'the bot lacks permissions in the channel (Discord error 50013: Missing Permissions)',
  50001: 'the bot has no access to the channel (Discord error 50001: Missing Access)',
  10003: 'the channel no longer exists (Discord error 10003: Unknown Channel)',
};

export function classifySendError(err: unknown): SendFailure {
  // Thrown by discord.js before the request (a known bucket is exhausted) or on a 429 it would otherwise
  // wait out: either way Discord posted nothing.
  if (err instanceof RateLimitError)
    return {
      kind: 'transient',
      message: `HTTP 429 (rate limited on ${err.route}, retry after ${Math.round(err.retryAfter)} ms)`,
      retryAfterMs: Math.ceil(Math.max(err.retryAfter, err.timeToReset)),
      unclear: false,
    };
  // We stopped waiting for the answer: the request may have reached Discord.
  if (err instanceof SendAbortedError) return { kind: 'transient', message: `Aborted: ${err.message}`, retryAfterMs: null, unclear: true };
  // Retried later like any unclear failure; the retry looks for the post before creating one (maybePosted).
  if (err instanceof ForumPostUnclearError) return { kind: 'transient', message: err.message, retryAfterMs: null, unclear: true };
  const e = (err ?? {}) as { status?: unknown; code?: unknown; message?: unknown; name?: unknown; rawError?: { retry_after?: unknown } };
  const status = typeof e.status === 'number' ? e.status : null;
  const code = typeof e.code === 'number' ? e.code : null;
  const message = `${status ? `HTTP ${status}` : String(e.name ?? 'Error')}${code ? ` (code ${code})` : ''}: ${String(e.message ?? err)}`.slice(0, 500);
  if (code !== null && DISABLING[code]) return { kind: 'disable', message, reason: DISABLING[code] };
  if (status === 403) return { kind: 'disable', message, reason: `Discord refused the message (HTTP 403${code ? `, code ${code}` : ''})` };
  if (status === 404) return { kind: 'disable', message, reason: `Discord does not know the channel (HTTP 404${code ? `, code ${code}` : ''})` };
  if (status === 429) {
    const ra = e.rawError?.retry_after;
    return { kind: 'transient', message, retryAfterMs: typeof ra === 'number' ? Math.ceil(ra * 1000) : null, unclear: false };
  }
  if (status !== null && status >= 400 && status < 500) return { kind: 'fail', message };
  return { kind: 'transient', message, retryAfterMs: null, unclear: true };
}
