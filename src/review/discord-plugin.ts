import cron, { type ScheduledTask } from 'node-cron';
import {
  ChannelType,
  DiscordAPIError,
  GuildMember,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  type APIMessage,
  type ButtonInteraction,
  type Client,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { Dataset } from '../core/dataset.ts';
import { sharedDatasetWatcher } from '../data/watch-dataset.ts';
import type { Bot, BotPlugin } from '../discord/bot.ts';
import { checkChannel } from '../discord/channels.ts';
import type { Logger } from '../discord/logger.ts';
import { applyEdit, EditFieldError, editModal } from './review-edit.ts';
import { decidedMessage, draftTag, parseReviewCustomId, REVIEW_PREFIX, reviewMessage, reviewNonce, utcMinute, type ReviewAction } from './review-message.ts';
import type { Decision, DecideOutcome, Draft } from './review-store.ts';

type Awaitable<T> = T | Promise<T>;

/** What the review channel needs of the review queue: a ReviewStore (SQLite or PostgreSQL). Every call is awaited. */
export interface ReviewQueue {
  draft(id: number): Awaitable<Draft | null>;
  unposted(): Awaitable<Draft[]>;
  markPosted(id: number, channelId: string, messageId: string): Awaitable<void>;
  decide(id: number, decision: Decision, reviewer: string, now: number): Awaitable<DecideOutcome>;
}

export interface ReviewPluginOptions {
  /** REVIEW_CHANNEL_ID: where drafts are posted. */
  channelId: string;
  /** REVIEWER_ROLE_ID: only its members may approve, edit or reject (checked on every click). */
  reviewerRoleId: string;
  /** The review queue, or how to open it once the plugins before this one are set up (e.g. on the digest's database). */
  store: ReviewQueue | (() => ReviewQueue);
  /** Names of places and actors in the messages; default: the process's hot-reloading dataset. */
  dataset?: () => Dataset;
  /** Decision times (ms). */
  clock?: () => number;
  /** node-cron expression (with seconds) for posting new drafts; null: no timer (tests call tick()). Default every 30 s. */
  cron?: string | null;
  /** Told of every approval, with the draft as approved (its record, edited or not, and its bundle), after it is published in the store. */
  onPublished?: PublishedListener;
}

export type PublishedListener = (drafts: readonly Draft[]) => void | Promise<void>;

export interface ReviewPlugin extends BotPlugin {
  store(): ReviewQueue | null;
  /** New drafts are in the queue: post them now (the drafting step calls this). Resolves with how many were posted. */
  onDraftsQueued(): Promise<number>;
  /** One pass posting what is not posted yet; passes never overlap (a call during a pass makes it go round once more). */
  tick(): Promise<number>;
  /** Adds a listener told of each approval once it is published (app.ts connects alerts and the dataset reload here). */
  onPublished(listener: PublishedListener): void;
}

/** What the bot needs in the review channel: post embeds, and read its own recent messages to find a post a crash left unrecorded. */
export const REVIEW_PERMISSIONS = [
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.ReadMessageHistory,
] as const;

/** Discord's answers meaning "the bot cannot post there": wait a while before trying again, rather than count invalid requests. */
const NO_ACCESS = new Set<number | string>([50001, 50013, 10003]);
const NO_ACCESS_PAUSE_MS = 10 * 60_000;

type ReviewInteraction = ButtonInteraction | ModalSubmitInteraction;

/**
 * The review channel: every pending draft not yet posted is posted there (once: recorded with
 * markPosted, sent with a nonce, and a post a crash left unrecorded is found again in the channel's
 * recent messages), with Approve / Edit / Reject. Only members holding the reviewer role may act; the
 * decision goes through the queue's single conditional update, so two reviewers clicking together get
 * one decision and one "already decided by …".
 */
export function createReviewPlugin(opts: ReviewPluginOptions): ReviewPlugin {
  const clock = opts.clock ?? Date.now;
  const listeners: PublishedListener[] = opts.onPublished ? [opts.onPublished] : [];
  let store: ReviewQueue | null = typeof opts.store === 'function' ? null : opts.store;
  let dataset: (() => Dataset) | null = opts.dataset ?? null;
  let client: Client<true> | null = null;
  let logger: Logger | null = null;
  let task: ScheduledTask | null = null;
  let running: Promise<number> | null = null;
  let again = false;
  let recovered = false;
  let pausedUntil = 0;

  const currentDataset = (): Dataset | null => {
    try {
      return dataset?.() ?? null;
    } catch {
      return null; // names fall back to ids; a draft is still reviewable
    }
  };

  /** Only the process whose shard holds the channel's server posts there. */
  const holdsChannel = () => client?.channels.cache.has(opts.channelId) ?? false;

  /** Drafts posted before a crash let their message id be recorded: found by their buttons' custom ids among the bot's recent messages. */
  async function recover(c: Client<true>, q: ReviewQueue, log: Logger): Promise<void> {
    const unposted = await q.unposted();
    if (!unposted.length) return;
    const byId = new Map(unposted.map((d) => [d.id, d]));
    let messages: APIMessage[];
    try {
      messages = (await c.rest.get(Routes.channelMessages(opts.channelId), { query: new URLSearchParams({ limit: '100' }) })) as APIMessage[];
    } catch (err) {
      log.warn({ err, channelId: opts.channelId }, 'could not read the review channel to find drafts posted before a restart; relying on the nonce');
      return;
    }
    for (const m of messages) {
      if (m.author.id !== c.user.id) continue;
      for (const row of m.components ?? []) {
        for (const comp of 'components' in row ? row.components : []) {
          const parsed = 'custom_id' in comp ? parseReviewCustomId(comp.custom_id) : null;
          const d = parsed ? byId.get(parsed.draftId) : undefined;
          if (!d || draftTag(d) !== parsed!.tag) continue;
          await q.markPosted(d.id, opts.channelId, m.id);
          byId.delete(d.id);
          log.info({ draftId: d.id, messageId: m.id }, 'draft was posted before a restart; recorded, not posted again');
        }
      }
    }
  }

  async function postPass(): Promise<number> {
    const c = client;
    const q = store;
    const log = logger;
    if (!c || !q || !log || !holdsChannel() || clock() < pausedUntil) return 0;
    if (!recovered) {
      recovered = true;
      await recover(c, q, log);
    }
    let posted = 0;
    for (const d of await q.unposted()) {
      try {
        const body = { ...reviewMessage(d, currentDataset()), nonce: reviewNonce(d), enforce_nonce: true };
        const msg = (await c.rest.post(Routes.channelMessages(opts.channelId), { body })) as { id: string };
        await q.markPosted(d.id, opts.channelId, msg.id);
        posted++;
        log.info({ draftId: d.id, messageId: msg.id }, 'draft posted for review');
      } catch (err) {
        if (err instanceof DiscordAPIError && NO_ACCESS.has(err.code)) {
          pausedUntil = clock() + NO_ACCESS_PAUSE_MS;
          log.error(
            { channelId: opts.channelId, code: err.code, err },
            'cannot post in the review channel (REVIEW_CHANNEL_ID): the bot needs View Channel, Send Messages and Embed Links there; trying again in 10 minutes',
          );
        } else {
          // Sent with a nonce: the next pass's resend of the same draft is deduplicated by Discord.
          log.warn({ draftId: d.id, err }, 'could not post a draft for review; trying again on the next pass');
        }
        break;
      }
    }
    return posted;
  }

  function tick(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let n = 0;
      do {
        again = false;
        n += await postPass();
      } while (again);
      return n;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  function isReviewer(i: ReviewInteraction): boolean {
    const m = i.member;
    if (!m) return false;
    return m instanceof GuildMember ? m.roles.cache.has(opts.reviewerRoleId) : m.roles.includes(opts.reviewerRoleId);
  }

  const say = (i: ReviewInteraction, content: string) =>
    i.reply({ content: content.slice(0, 2000), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });

  const alreadyDecided = (d: Draft) =>
    `Draft #${d.id} was already ${d.status} by ${d.decidedBy ?? 'someone'} at ${d.decidedAt !== null ? utcMinute(d.decidedAt) : 'an unknown time'}. Nothing was changed.`;

  /** A message still offering buttons for a draft decided elsewhere (the console, another process): show the decision. */
  async function refreshDecided(i: ReviewInteraction, d: Draft): Promise<void> {
    if (!i.message || i.message.components.length === 0) return;
    await i.client.rest
      .patch(Routes.channelMessage(i.message.channelId, i.message.id), { body: decidedMessage(d, currentDataset()) })
      .catch((err: unknown) => logger?.warn({ err, draftId: d.id }, 'could not update a decided draft’s message'));
  }

  async function published(d: Draft): Promise<void> {
    for (const l of listeners) {
      try {
        await l([d]);
      } catch (err) {
        logger?.error({ err, draftId: d.id }, 'a listener of published drafts failed');
      }
    }
  }

  async function decide(i: ReviewInteraction, draft: Draft, decision: Decision, q: ReviewQueue): Promise<void> {
    const reviewer = `@${i.user.username}`;
    const outcome = await q.decide(draft.id, decision, reviewer, clock());
    if (!outcome.ok) {
      if (outcome.why === 'already-decided') {
        await say(i, alreadyDecided(outcome.draft));
        await refreshDecided(i, outcome.draft);
      } else if (outcome.why === 'invalid-edit') await say(i, `Not approved: ${outcome.problem}. Nothing was changed.`);
      else await say(i, `Draft #${draft.id} is not in the review queue any more. Nothing was changed.`);
      return;
    }
    const d = outcome.draft;
    logger?.info({ draftId: d.id, status: d.status, edited: d.edited, reviewer, userId: i.user.id }, 'draft decided');
    const body = decidedMessage(d, currentDataset());
    try {
      if (i.isButton() || (i.isModalSubmit() && i.isFromMessage())) {
        await i.update({ embeds: body.embeds, components: [], allowedMentions: { parse: [] } });
      } else {
        await say(i, `Draft #${d.id} ${d.status}.`);
        if (d.reviewChannelId && d.reviewMessageId) await i.client.rest.patch(Routes.channelMessage(d.reviewChannelId, d.reviewMessageId), { body });
      }
    } finally {
      // The record is published whether or not the answer reached Discord (an expired interaction): say so.
      if (d.status === 'approved') await published(d);
    }
  }

  async function handle(i: ReviewInteraction): Promise<void> {
    const q = store;
    const parsed = parseReviewCustomId(i.customId);
    if (!parsed || !q) {
      await say(i, 'This button is not one this bot can answer (an old or altered button): nothing was done.');
      return;
    }
    // Checked on every click from the member Discord sends with it: the role, not who can see the channel.
    if (!isReviewer(i)) {
      await say(i, `Only members with the reviewer role <@&${opts.reviewerRoleId}> may review drafts. Nothing was changed.`);
      return;
    }
    const draft = await q.draft(parsed.draftId);
    if (!draft || draftTag(draft) !== parsed.tag) {
      await say(i, `Draft #${parsed.draftId} is not in the review queue any more. Nothing was changed.`);
      return;
    }
    if (draft.status !== 'pending') {
      await say(i, alreadyDecided(draft));
      await refreshDecided(i, draft);
      return;
    }
    const action: ReviewAction = parsed.action;
    if (action === 'edit') {
      if (i.isButton()) await i.showModal(editModal(draft));
      else await say(i, 'This form is not one this bot can answer: nothing was done.');
      return;
    }
    if (action === 'modal') {
      if (!i.isModalSubmit()) return void (await say(i, 'This button is not one this bot can answer: nothing was done.'));
      const values = new Map(i.fields.fields.map((f) => [f.customId, 'value' in f && typeof f.value === 'string' ? f.value : '']));
      let edited: unknown;
      try {
        edited = applyEdit(draft, values, currentDataset());
      } catch (err) {
        if (err instanceof EditFieldError) return void (await say(i, `Not approved: ${err.message}. Nothing was changed.`));
        throw err;
      }
      await decide(i, draft, { decision: 'approve', editedRecord: edited }, q);
      return;
    }
    await decide(i, draft, action === 'approve' ? { decision: 'approve' } : { decision: 'reject' }, q);
  }

  return {
    name: 'review',
    store: () => store,
    tick,
    onDraftsQueued: tick,
    onPublished(listener) {
      listeners.push(listener);
    },
    components: { prefix: REVIEW_PREFIX, handle },
    services(bot: Bot) {
      if (typeof opts.store === 'function') store = opts.store();
      dataset ??= () => sharedDatasetWatcher(bot.logger).current();
      return {};
    },
    async onReady(c: Client<true>, bot: Bot) {
      if (client) return; // a reconnect: already running
      client = c;
      const log = bot.logger.child({ component: 'review' });
      logger = log;
      if (holdsChannel()) {
        const check = await checkChannel(c, opts.channelId, { permissions: REVIEW_PERMISSIONS });
        if (!check.ok) log.error({ channelId: opts.channelId, problem: check.detail }, 'the review channel (REVIEW_CHANNEL_ID) is not fit for review');
        else if (check.channel.type === ChannelType.GuildForum)
          log.error({ channelId: opts.channelId }, 'the review channel (REVIEW_CHANNEL_ID) is a forum; give a text channel or a thread');
      } else if (c.ws.shards.size >= (c.options.shardCount ?? 1)) {
        // This process runs every shard, so no other process will post there: drafts would wait unseen.
        log.error(
          { channelId: opts.channelId },
          'the review channel (REVIEW_CHANNEL_ID) is in no server this bot is in, or the bot cannot see it: drafts are not posted (review them with `npm run review`)',
        );
      }
      if (opts.cron !== null) {
        task = cron.schedule(opts.cron ?? '*/30 * * * * *', () => void tick().catch((err: unknown) => log.error({ err }, 'review tick failed')), {
          name: 'review',
        });
      }
      void tick().catch((err: unknown) => log.error({ err }, 'review tick failed'));
    },
    async onStop() {
      await task?.stop();
      await task?.destroy();
      task = null;
      await running?.catch(() => undefined);
    },
  };
}
