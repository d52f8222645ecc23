import { Routes } from 'discord-api-types/v10';

/** The body of POST /channels/{id}/messages as the digest sends it. */
export interface DigestMessageBody {
  content?: string;
  embeds?: unknown[];
  allowed_mentions: { parse: [] };
  /** Same for every attempt of one digest; with enforce_nonce Discord returns the first message instead of posting again. */
  nonce: string;
  enforce_nonce: true;
}

/** Posts a message. Throws on failure; the error's `status`/`code` (as discord.js sets them) decide what happens. */
export interface DigestSender {
  send(channelId: string, body: DigestMessageBody): Promise<{ id: string }>;
}

/** The discord.js REST manager (client.rest): it waits out 429s and shares rate-limit state with the bot. */
export interface RestLike {
  post(route: `/${string}`, options: { body: unknown }): Promise<unknown>;
}

export function restSender(rest: RestLike): DigestSender {
  return {
    async send(channelId, body) {
      const msg = (await rest.post(Routes.channelMessages(channelId), { body })) as { id?: unknown };
      if (typeof msg?.id !== 'string') throw new Error('Discord answered without a message id');
      return { id: msg.id };
    },
  };
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
