/**
 * A Discord-compatible server on 127.0.0.1 for end-to-end tests: the REST API under /api/v10 and a JSON
 * gateway over WebSocket, holding enough of real Discord's behaviour that the real discord.js client logs in,
 * receives interactions and answers them here. Every request is recorded (and its body validated against
 * Discord's OpenAPI spec) for assertions; failures can be injected per request.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { boundaryOf, parseMultipart, type MultipartPart } from './multipart.ts';
import { sharedValidator, type ValidationResult } from './openapi-validator.ts';

// ---------------------------------------------------------------- snowflakes

const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;
/** A real snowflake (17-19 digits) for "now", or for a given millisecond timestamp. */
export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(Math.floor(at)) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}
/** The shard a guild belongs to: (guild_id >> 22) % shard_count, as Discord computes it. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
/** A guild id that Discord routes to `shard` of `shardCount`. */
export function guildIdForShard(shard: number, shardCount: number): string {
  for (let at = Date.now() - 86_400_000; ; at++) {
    const id = snowflake(at);
    if (shardOf(id, shardCount) === shard) return id;
  }
}

// ---------------------------------------------------------------- types

export interface FakeChannel {
  id: string;
  name: string;
  /** 0: text (default), 5: announcement, 10/11/12: a thread (give parent_id), 15: forum. */
  type?: number;
  /** A thread's channel. */
  parent_id?: string;
  permission_overwrites?: { id: string; type: 0 | 1; allow: string; deny: string }[];
}

export interface FakeGuild {
  id: string;
  name: string;
  channels: FakeChannel[];
  /** The @everyone role's permissions (a bitfield string). */
  everyonePermissions?: string;
  /** Roles beside @everyone (e.g. a reviewer role), sent in GUILD_CREATE. */
  roles?: { id: string; name: string }[];
}

export interface FakeDiscordOptions {
  token?: string;
  applicationId?: string;
  botUserId?: string;
  botUsername?: string;
  guilds?: FakeGuild[];
  /** What GET /gateway/bot recommends. */
  recommendedShards?: number;
  /** HELLO's heartbeat interval. */
  heartbeatIntervalMs?: number;
  /** Answer a body that fails Discord's OpenAPI schema with 400/50035, as Discord does. Default true. */
  rejectInvalidBodies?: boolean;
  /** Validate bodies against the OpenAPI spec at all (default true; the benchmark turns it off). */
  validateBodies?: boolean;
  /** Extra fields of READY's `application` (what another server sends, e.g. `install_params: null`). */
  readyApplication?: Record<string, unknown>;
  /** Discord's clock (ms): message ids and timestamps, and the enforce_nonce window. Default Date.now. */
  now?: () => number;
  /** How long a nonce is remembered with enforce_nonce (Discord: "the past few minutes"). Default 5 minutes. */
  nonceWindowMs?: number;
  /**
   * The bot token's global limit, as Discord enforces it: at most this many requests in any 1-second
   * window (by arrival; interaction callbacks and webhooks are exempt), the excess answered with a global
   * 429. Default 50; null: not enforced (still counted: `mostInOneSecond()`).
   */
  globalRateLimit?: number | null;
}

export interface RecordedRequest {
  method: string;
  /** The path exactly as it arrived (percent-encoding intact: /messages/%40original). */
  path: string;
  /** The path percent-decoded (/messages/@original). */
  decodedPath: string;
  /** The decoded path below /api/v10, as Discord's spec names it. */
  route: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The JSON body; for multipart requests the parsed payload_json. */
  body: unknown;
  rawBody: Buffer;
  /** Every multipart part, payload_json included. */
  parts: MultipartPart[];
  /** The multipart parts that are files (files[n]). */
  files: MultipartPart[];
  validation: ValidationResult | null;
  /** The status the server answered with. */
  status: number;
  at: number;
}

export type RequestMatcher = { method?: string; route?: string | RegExp } | ((req: RecordedRequest) => boolean);

export interface InjectedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests get this answer (default 1). */
  times?: number;
  /** The request takes effect as usual (a message is created) and is then answered with this instead: a 5xx after Discord acted. */
  afterEffect?: boolean;
}

export interface GatewaySession {
  socket: WebSocket;
  sessionId: string;
  shard: [number, number] | null;
  identify: Record<string, unknown> | null;
  seq: number;
  heartbeats: number;
  ready: boolean;
  /** The close code once the connection closed (1000: the client closed it normally). */
  closeCode: number | null;
  /** This connection continued an earlier session (RESUME) instead of identifying. */
  resumed: boolean;
}

interface InteractionState {
  id: string;
  token: string;
  guildId: string | null;
  channelId: string;
  acknowledged: boolean;
  expired: boolean;
  original: Record<string, unknown> | null;
  /** A component or modal interaction on a message the bot posted: type 6/7 callbacks and @original edits change that message. */
  message: { channelId: string; id: string } | null;
  /** The modal a type 9 callback opened. */
  modal: Record<string, unknown> | null;
}

export interface SentInteraction {
  id: string;
  token: string;
  payload: Record<string, unknown>;
  /** The first callback POST for this interaction (type 4, 5, 7, 8...). */
  callback(timeoutMs?: number): Promise<RecordedRequest>;
  /** The first PATCH of the original response (after a deferral). */
  editedOriginal(timeoutMs?: number): Promise<RecordedRequest>;
}

type OptionValue = string | number | boolean;

const OPTION_TYPE = { subcommand: 1, string: 3, integer: 4, boolean: 5, number: 10 } as const;

// ---------------------------------------------------------------- server

/** Where an interaction happens, and who invokes it: `memberPermissions` replaces the member's permissions bitfield. */
export interface InteractionPlace {
  guildId?: string;
  channelId?: string;
  memberPermissions?: string;
  /** Who invokes it (default 123456789012345678, "analyst"), and the roles Discord sends with the member. */
  userId?: string;
  username?: string;
  memberRoles?: string[];
}

export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: { id: string; username: string; discriminator: string; global_name: null; avatar: null; bot: true };
  readonly guilds: FakeGuild[];
  /** Every HTTP request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Every gateway connection, in arrival order. */
  readonly sessions: GatewaySession[] = [];
  /** Commands as registered by PUT: key "global" or a guild id. */
  readonly registered = new Map<string, Record<string, unknown>[]>();
  /** Forum posts created by POST /channels/{id}/threads, in order. */
  readonly forumPosts: { forumId: string; name: string; message: Record<string, unknown> }[] = [];
  /** Forum posts as thread objects (what GET /guilds/{id}/threads/active lists), with their first message. */
  private readonly forumThreads: { guildId: string; thread: Record<string, unknown> & { id: string }; message: Record<string, unknown> }[] = [];
  /** Messages created by POST /channels/{id}/messages, per channel. */
  readonly channelMessages = new Map<string, Record<string, unknown>[]>();

  private readonly options: Required<
    Pick<FakeDiscordOptions, 'recommendedShards' | 'heartbeatIntervalMs' | 'rejectInvalidBodies' | 'validateBodies' | 'readyApplication'>
  >;
  private readonly requestListeners: ((r: RecordedRequest) => void)[] = [];
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private port = 0;
  private readonly injected: { matcher: RequestMatcher; response: InjectedResponse; remaining: number }[] = [];
  private readonly waiters: { pred: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  private readonly sessionWaiters: (() => void)[] = [];
  private readonly interactions = new Map<string, InteractionState>();
  private commandVersion = 0n;
  private readonly nonces = new Map<string, { at: number; message: Record<string, unknown> }>();
  private readonly holds: { matcher: RequestMatcher; until: Promise<unknown>; remaining: number }[] = [];
  private readonly now: () => number;
  private readonly nonceWindowMs: number;
  private readonly globalRateLimit: number | null;
  /** Arrival times (ms, performance.now) of the requests that count toward the global limit and were let through. */
  private readonly globalArrivals: number[] = [];
  /** Requests answered with a global 429 (over the limit in their second). */
  globalRateLimited = 0;

  constructor(options: FakeDiscordOptions = {}) {
    this.token = options.token ?? 'fake-token.for-tests-only.xyz';
    this.applicationId = options.applicationId ?? snowflake();
    const botId = options.botUserId ?? this.applicationId;
    this.botUser = { id: botId, username: options.botUsername ?? 'incident-bot', discriminator: '0', global_name: null, avatar: null, bot: true };
    this.guilds = options.guilds ?? [{ id: snowflake(), name: 'Test guild', channels: [{ id: snowflake(), name: 'general' }] }];
    this.options = {
      recommendedShards: options.recommendedShards ?? 1,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      rejectInvalidBodies: options.rejectInvalidBodies ?? true,
      validateBodies: options.validateBodies ?? true,
      readyApplication: options.readyApplication ?? {},
    };
    this.now = options.now ?? Date.now;
    this.nonceWindowMs = options.nonceWindowMs ?? 5 * 60_000;
    this.globalRateLimit = options.globalRateLimit === undefined ? 50 : options.globalRateLimit;
  }

  /** The most requests counting toward the global limit that arrived (and were let through) in any 1-second window. */
  mostInOneSecond(): number {
    const a = this.globalArrivals;
    let most = 0;
    for (let i = 0, j = 0; i < a.length; i++) {
      while (a[i]! - a[j]! >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    return most;
  }

  /** Whether a request counts toward the global limit (Discord exempts interaction callbacks and webhooks). */
  private countsGlobally(r: RecordedRequest): boolean {
    return r.decodedPath.startsWith('/api/v10/') && !/^\/(interactions|webhooks)\//.test(r.route);
  }

  /** A global 429 for a request over the limit in its second, else null (and the request is counted). */
  private overGlobalLimit(r: RecordedRequest): { retryAfter: number } | null {
    if (!this.countsGlobally(r)) return null;
    const t = performance.now();
    const limit = this.globalRateLimit;
    if (limit !== null) {
      // Those in the last second: a binary search, as arrivals are in order.
      let lo = 0;
      let hi = this.globalArrivals.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.globalArrivals[mid]! <= t - 1000) lo = mid + 1;
        else hi = mid;
      }
      if (this.globalArrivals.length - lo >= limit) {
        this.globalRateLimited++;
        return { retryAfter: Math.max(0.001, (this.globalArrivals[this.globalArrivals.length - limit]! + 1000 - t) / 1000) };
      }
    }
    this.globalArrivals.push(t);
    return null;
  }

  /** REST base to give discord.js as `rest.api` (DISCORD_API_URL). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.onHttp(req, res));
    const wss = new WebSocketServer({ server, path: '/gateway' });
    wss.on('connection', (socket) => this.onGateway(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.wss = wss;
    return this;
  }

  /** Closes every gateway connection and the HTTP server. Destroy clients first. */
  async stop(): Promise<void> {
    for (const s of this.sessions) s.socket.terminate();
    if (this.wss) await new Promise<void>((r) => this.wss!.close(() => r()));
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((r) => this.server!.close(() => r()));
    }
    this.wss = null;
    this.server = null;
  }

  // ------------------------------------------------------------ assertions helpers

  /** Calls `listener` with every request as it is answered (cheaper than waitForRequest for many requests). */
  onRequest(listener: (r: RecordedRequest) => void): void {
    this.requestListeners.push(listener);
  }

  /** Answer the next matching request(s) with this instead of the normal response. */
  injectResponse(matcher: RequestMatcher, response: InjectedResponse): void {
    this.injected.push({ matcher, response, remaining: response.times ?? 1 });
  }

  /**
   * The next matching request(s) take effect as usual (a message is created), but the answer waits until
   * `until` settles: a slow Discord, or a client that gives up (or dies) before the answer comes.
   */
  holdResponses(matcher: RequestMatcher, until: Promise<unknown>, times = 1): void {
    this.holds.push({ matcher, until, remaining: times });
  }

  /** Requests whose body Discord's OpenAPI schema rejects. Should be empty after every test. */
  invalidRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.validation && r.validation.errors.length > 0);
  }

  requestsTo(method: string, route: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && matchRoute(route, r.route));
  }

  /** Resolves with the first request (already recorded or yet to come) that matches. */
  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs = 5_000, { includePast = true } = {}): Promise<RecordedRequest> {
    if (includePast) {
      const found = this.requests.find(pred);
      if (found) return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (r: RecordedRequest) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no matching request within ${timeoutMs} ms; got: ${this.requests.map((r) => `${r.method} ${r.route} ${r.status}`).join(', ')}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves once `count` gateway sessions have received READY and their GUILD_CREATEs. */
  waitForSessions(count: number, timeoutMs = 10_000): Promise<GatewaySession[]> {
    const ready = () => this.sessions.filter((s) => s.ready);
    if (ready().length >= count) return Promise.resolve(ready());
    // Woken by each session that becomes ready (onIdentify), not by polling.
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.sessionWaiters.indexOf(check);
        if (at >= 0) this.sessionWaiters.splice(at, 1);
        reject(new Error(`only ${ready().length} of ${count} gateway sessions ready`));
      }, timeoutMs);
      const check = () => {
        if (ready().length < count) return void this.sessionWaiters.push(check);
        clearTimeout(timer);
        resolve(ready());
      };
      this.sessionWaiters.push(check);
    });
  }

  /** Makes the interaction's token expire: later callbacks get 404/10062 like on Discord after 3 s / 15 min. */
  expireInteraction(id: string): void {
    const i = this.interactions.get(id);
    if (i) i.expired = true;
  }

  /** The message an interaction's response created (after a type 4/5/7 callback and any edits), as Discord holds it. */
  originalMessage(interactionId: string): Record<string, unknown> | null {
    return this.interactions.get(interactionId)?.original ?? null;
  }

  // ------------------------------------------------------------ interactions

  /** A guild member invoking things, as it appears in interaction payloads. */
  member(userId: string = '123456789012345678', username = 'analyst', roles: string[] = []) {
    return {
      user: { id: userId, username, discriminator: '0', global_name: username.charAt(0).toUpperCase() + username.slice(1), avatar: null },
      roles,
      permissions: '2248473465835073',
      joined_at: '2024-01-01T00:00:00.000000+00:00',
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      nick: null,
      avatar: null,
      premium_since: null,
    };
  }

  /** Sends a slash command invocation (type 2) on the shard that owns the guild. */
  chatInput(name: string, options: Record<string, OptionValue | undefined> = {}, where: InteractionPlace = {}): SentInteraction {
    return this.sendInteraction({ type: 2, data: { ...this.commandData(name, options), type: 1 } }, where);
  }

  /** Sends an autocomplete request (type 4); `focused` names the option being typed. */
  autocomplete(
    name: string,
    options: Record<string, OptionValue | undefined>,
    focused: string,
    where: { guildId?: string; channelId?: string } = {},
  ): SentInteraction {
    const data = this.commandData(name, options);
    const mark = (opts: Record<string, unknown>[]) => {
      for (const o of opts) {
        if (o.name === focused && o.type !== OPTION_TYPE.subcommand) {
          o.focused = true;
          o.type = OPTION_TYPE.string; // Discord sends the partial input as a string
          o.value = String(o.value);
        }
        if (Array.isArray(o.options)) mark(o.options as Record<string, unknown>[]);
      }
    };
    mark(data.options);
    return this.sendInteraction({ type: 4, data: { ...data, type: 1 } }, where);
  }

  /** Sends a button click (type 3) on a message the bot sent earlier. */
  button(customId: string, where: InteractionPlace & { message?: Record<string, unknown> } = {}): SentInteraction {
    const channelId = where.channelId ?? this.defaultChannel(where.guildId).id;
    const message = where.message ?? this.message(channelId, { content: 'earlier message', components: [] }, { flags: 0 });
    return this.sendInteraction({ type: 3, data: { custom_id: customId, component_type: 2 }, message }, where);
  }

  /**
   * Submits a modal (type 5) the bot opened with a type 9 callback: `values` by text input custom id, in
   * action rows as Discord sends them. With `message`, the modal was opened from a button on that message.
   */
  modalSubmit(customId: string, values: Record<string, string>, where: InteractionPlace & { message?: Record<string, unknown> } = {}): SentInteraction {
    const components = Object.entries(values).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] }));
    return this.sendInteraction({ type: 5, data: { custom_id: customId, components }, ...(where.message ? { message: where.message } : {}) }, where);
  }

  /** The modal a type 9 callback opened for this interaction, as the bot sent it. */
  modalOf(interactionId: string): Record<string, unknown> | null {
    return this.interactions.get(interactionId)?.modal ?? null;
  }

  /** A message the bot posted in a channel (POST /channels/{id}/messages), as Discord holds it now (after edits). */
  channelMessage(channelId: string, messageId: string): Record<string, unknown> | null {
    return this.channelMessages.get(channelId)?.find((m) => m.id === messageId) ?? null;
  }

  /** Sends any INTERACTION_CREATE; fills in the fields discord.js needs (else it drops the interaction). */
  sendInteraction(partial: Record<string, unknown>, where: InteractionPlace = {}): SentInteraction {
    const guild = where.guildId ? this.guild(where.guildId) : this.guilds[0]!;
    const channel = where.channelId ? guild.channels.find((c) => c.id === where.channelId)! : guild.channels[0]!;
    const id = snowflake();
    // Shaped like Discord's: base64url of "interaction:<id>:<random>".
    const token = Buffer.from(`interaction:${id}:${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`).toString('base64url');
    const payload: Record<string, unknown> = {
      id,
      application_id: this.applicationId,
      token,
      version: 1,
      guild_id: guild.id,
      channel_id: channel.id,
      channel: this.channelObject(guild, channel),
      member: {
        ...this.member(where.userId, where.username, where.memberRoles),
        ...(where.memberPermissions !== undefined ? { permissions: where.memberPermissions } : {}),
      },
      app_permissions: '2248473465835073',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guild.id },
      context: 0,
      attachment_size_limit: 10_485_760,
      ...partial,
    };
    const on = partial.message as { id?: string; channel_id?: string } | undefined;
    const posted = on?.id && on.channel_id && this.channelMessage(on.channel_id, on.id) ? { channelId: on.channel_id, id: on.id } : null;
    this.interactions.set(id, {
      id,
      token,
      guildId: guild.id,
      channelId: channel.id,
      acknowledged: false,
      expired: false,
      original: null,
      message: posted,
      modal: null,
    });
    const session = this.sessionForGuild(guild.id);
    if (!session) throw new Error(`no ready gateway session for guild ${guild.id}`);
    this.dispatch(session, 'INTERACTION_CREATE', payload);
    const isCallback = (r: RecordedRequest) => r.method === 'POST' && r.route === `/interactions/${id}/${token}/callback`;
    const isEdit = (r: RecordedRequest) => r.method === 'PATCH' && r.route === `/webhooks/${this.applicationId}/${token}/messages/@original`;
    return {
      id,
      token,
      payload,
      callback: (timeoutMs) => this.waitForRequest(isCallback, timeoutMs),
      editedOriginal: (timeoutMs) => this.waitForRequest(isEdit, timeoutMs),
    };
  }

  /** Sends a dispatch event to one gateway session. */
  dispatch(session: GatewaySession, event: string, data: unknown): void {
    session.seq += 1;
    session.socket.send(JSON.stringify({ op: 0, t: event, s: session.seq, d: data }));
  }

  sessionForGuild(guildId: string): GatewaySession | undefined {
    return this.sessions.find((s) => s.ready && s.socket.readyState === s.socket.OPEN && s.shard && shardOf(guildId, s.shard[1]) === s.shard[0]);
  }

  guild(id: string): FakeGuild {
    const g = this.guilds.find((x) => x.id === id);
    if (!g) throw new Error(`unknown guild ${id}`);
    return g;
  }

  defaultChannel(guildId?: string): FakeChannel {
    return (guildId ? this.guild(guildId) : this.guilds[0]!).channels[0]!;
  }

  private commandData(name: string, options: Record<string, OptionValue | undefined>): { id: string; name: string; options: Record<string, unknown>[] } {
    const registered = [...this.registered.values()].flat().find((c) => c.name === name);
    const defs = (registered?.options ?? []) as { name: string; type: number; options?: { name: string; type: number }[] }[];
    const toOption = (k: string, v: OptionValue, scope: { name: string; type: number }[]) => {
      const declared = scope.find((d) => d.name === k)?.type;
      const type =
        declared ??
        (typeof v === 'boolean'
          ? OPTION_TYPE.boolean
          : typeof v === 'number'
            ? Number.isInteger(v)
              ? OPTION_TYPE.integer
              : OPTION_TYPE.number
            : OPTION_TYPE.string);
      return { name: k, type, value: v };
    };
    const { subcommand, ...rest } = options;
    const entries = Object.entries(rest).filter((e): e is [string, OptionValue] => e[1] !== undefined);
    let opts: Record<string, unknown>[];
    if (typeof subcommand === 'string') {
      const sub = defs.find((d) => d.name === subcommand);
      opts = [{ name: subcommand, type: OPTION_TYPE.subcommand, options: entries.map(([k, v]) => toOption(k, v, sub?.options ?? [])) }];
    } else {
      opts = entries.map(([k, v]) => toOption(k, v, defs));
    }
    return { id: String(registered?.id ?? snowflake()), name, options: opts };
  }

  // ------------------------------------------------------------ gateway

  private onGateway(socket: WebSocket): void {
    const session: GatewaySession = {
      socket,
      sessionId: Math.random().toString(16).slice(2),
      shard: null,
      identify: null,
      seq: 0,
      heartbeats: 0,
      ready: false,
      closeCode: null,
      resumed: false,
    };
    this.sessions.push(session);
    socket.on('close', (code) => {
      session.closeCode = code;
    });
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs }, s: null, t: null }));
    socket.on('message', (raw) => {
      let msg: { op: number; d: unknown };
      try {
        msg = JSON.parse(String(raw)) as { op: number; d: unknown };
      } catch {
        socket.close(4002, 'Decode error');
        return;
      }
      if (msg.op === 1) {
        session.heartbeats += 1;
        socket.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      } else if (msg.op === 2) {
        this.onIdentify(session, msg.d as Record<string, unknown>);
      } else if (msg.op === 6) {
        this.onResume(session, msg.d as { token?: string; session_id?: string; seq?: number });
      } else if (msg.op === 3 || msg.op === 8) {
        // presence update / request guild members: accepted, nothing to do
      } else {
        socket.close(4001, 'Unknown opcode');
      }
    });
  }

  /** RESUME: a known session continues on the new connection (RESUMED); an unknown one must IDENTIFY again (op 9). */
  private onResume(session: GatewaySession, d: { token?: string; session_id?: string; seq?: number }): void {
    const old = this.sessions.find((s) => s !== session && s.sessionId === d.session_id && s.shard);
    if (!old || (d.token !== this.token && d.token !== `Bot ${this.token}`)) {
      session.socket.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      return;
    }
    Object.assign(session, { sessionId: old.sessionId, shard: old.shard, identify: old.identify, seq: old.seq, resumed: true });
    old.ready = false;
    this.dispatch(session, 'RESUMED', {});
    session.ready = true;
    for (const w of this.sessionWaiters.splice(0)) w();
  }

  /** Asks the client to reconnect (op 7), as Discord does before moving a session; it should RESUME. */
  requestReconnect(session: GatewaySession): void {
    session.socket.send(JSON.stringify({ op: 7, d: null, s: null, t: null }));
  }

  private onIdentify(session: GatewaySession, d: Record<string, unknown>): void {
    session.identify = d;
    if (d.token !== this.token && d.token !== `Bot ${this.token}`) {
      session.socket.close(4004, 'Authentication failed.');
      return;
    }
    const shard = (d.shard as [number, number] | undefined) ?? [0, 1];
    if (!Array.isArray(shard) || shard[0] < 0 || shard[0] >= shard[1]) {
      session.socket.close(4010, 'Invalid shard.');
      return;
    }
    session.shard = shard;
    const guilds = this.guilds.filter((g) => shardOf(g.id, shard[1]) === shard[0]);
    this.dispatch(session, 'READY', {
      v: 10,
      user: { ...this.botUser, verified: true, mfa_enabled: false, flags: 0 },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.sessionId,
      resume_gateway_url: this.gatewayUrl,
      shard,
      application: { id: this.applicationId, flags: 0, ...this.options.readyApplication },
      private_channels: [],
      relationships: [],
      user_settings: {},
      presences: [],
      geo_ordered_rtc_regions: [],
      guild_join_requests: [],
      session_type: 'normal',
      auth_session_id_hash: 'x',
    });
    for (const g of guilds) this.dispatch(session, 'GUILD_CREATE', this.guildObject(g));
    session.ready = true;
    for (const w of this.sessionWaiters.splice(0)) w();
  }

  private guildObject(g: FakeGuild): Record<string, unknown> {
    return {
      id: g.id,
      name: g.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: '123456789012345678',
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [
        ...(g.roles ?? []).map((r, n) => ({
          id: r.id,
          name: r.name,
          color: 0,
          hoist: false,
          position: n + 1,
          permissions: '0',
          managed: false,
          mentionable: false,
          flags: 0,
        })),
        {
          id: g.id,
          name: '@everyone',
          color: 0,
          hoist: false,
          position: 0,
          permissions: g.everyonePermissions ?? '2248473465835073',
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: 'en-US',
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      joined_at: '2024-01-01T00:00:00.000000+00:00',
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [{ ...this.member(this.botUser.id), user: this.botUser }],
      // As Discord: active threads arrive apart from the channels.
      channels: g.channels.filter((c) => !isThreadType(c.type)).map((c) => this.channelObject(g, c)),
      threads: g.channels.filter((c) => isThreadType(c.type)).map((c) => this.channelObject(g, c)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  private channelObject(g: FakeGuild, c: FakeChannel): Record<string, unknown> {
    return {
      id: c.id,
      type: c.type ?? 0,
      guild_id: g.id,
      name: c.name,
      position: 0,
      permission_overwrites: c.permission_overwrites ?? [],
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      parent_id: c.parent_id ?? null,
      flags: 0,
      ...(isThreadType(c.type)
        ? {
            owner_id: this.botUser.id,
            message_count: 0,
            member_count: 1,
            thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: '2024-01-01T00:00:00.000000+00:00', locked: false },
          }
        : {}),
    };
  }

  // ------------------------------------------------------------ REST

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    let decodedPath: string;
    try {
      decodedPath = decodeURIComponent(path);
    } catch {
      decodedPath = path;
    }
    const route = decodedPath.replace(/^\/api\/v10(?=\/)/, '');
    const contentType = req.headers['content-type'];
    let body: unknown;
    let parts: MultipartPart[] = [];
    let parseError: string | null = null;
    try {
      if (rawBody.length > 0 && contentType?.startsWith('multipart/form-data')) {
        parts = parseMultipart(rawBody, boundaryOf(contentType) ?? '');
        const pj = parts.find((p) => p.name === 'payload_json');
        if (pj) body = JSON.parse(pj.data.toString('utf8'));
      } else if (rawBody.length > 0) {
        body = JSON.parse(rawBody.toString('utf8'));
      }
    } catch (e) {
      parseError = (e as Error).message;
    }
    const files = parts.filter((p) => p.name !== 'payload_json');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      decodedPath,
      route,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
      rawBody,
      parts,
      files,
      validation: null,
      status: 0,
      at: Date.now(),
    };
    if (decodedPath.startsWith('/api/v10/') && this.options.validateBodies) {
      record.validation = sharedValidator().validate(
        record.method,
        route,
        body,
        files.map((f) => f.name),
      );
      if (parseError) record.validation.errors.push(`body is not valid: ${parseError}`);
    }

    let status: number;
    let responseBody: unknown;
    let headers: Record<string, string> = this.rateLimitHeaders(route);
    const over = this.overGlobalLimit(record);
    const injected = over ? undefined : this.injected.find((i) => i.remaining > 0 && matches(i.matcher, record));
    if (over) {
      status = 429;
      responseBody = { message: 'You are being rate limited.', retry_after: over.retryAfter, global: true };
      headers = { ...headers, 'retry-after': over.retryAfter.toFixed(3), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' };
    } else if (injected) {
      injected.remaining -= 1;
      if (injected.response.afterEffect) this.route(record);
      status = injected.response.status;
      responseBody = injected.response.body ?? defaultErrorBody(status);
      headers = { ...headers, ...injected.response.headers };
    } else if (!decodedPath.startsWith('/api/v10/')) {
      [status, responseBody] = [404, { message: '404: Not Found', code: 0 }];
    } else if (record.validation && record.validation.errors.length > 0 && this.options.rejectInvalidBodies && record.validation.operation) {
      [status, responseBody] = [400, { message: 'Invalid Form Body', code: 50035, errors: record.validation.errors }];
    } else {
      [status, responseBody] = this.route(record);
    }
    record.status = status;
    this.requests.push(record);
    for (const l of this.requestListeners) l(record);
    for (const w of [...this.waiters]) {
      if (w.pred(record)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(record);
      }
    }
    const hold = this.holds.find((h) => h.remaining > 0 && matches(h.matcher, record));
    if (hold) {
      hold.remaining -= 1;
      await hold.until.catch(() => undefined);
      if (res.destroyed || res.writableEnded) return; // the client gave up meanwhile
    }
    if (responseBody === undefined || status === 204) {
      res.writeHead(status, headers);
      res.end();
    } else {
      res.writeHead(status, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify(responseBody));
    }
  }

  private rateLimitHeaders(route: string): Record<string, string> {
    const bucket = Buffer.from(route.replace(/\d{17,19}/g, ':id'))
      .toString('hex')
      .slice(0, 32);
    return {
      'x-ratelimit-limit': '50',
      'x-ratelimit-remaining': '49',
      'x-ratelimit-reset': String(Date.now() / 1000 + 1),
      'x-ratelimit-reset-after': '1',
      'x-ratelimit-bucket': bucket,
    };
  }

  /** The normal answer of real Discord for a request that passed validation. */
  private route(r: RecordedRequest): [number, unknown] {
    const m = r.method;
    const p = r.route;
    let x: RegExpExecArray | null;
    const authed = r.headers.authorization === `Bot ${this.token}`;
    const needsAuth = !/^\/(interactions|webhooks)\//.test(p);
    if (needsAuth && !authed) return [401, { message: '401: Unauthorized', code: 0 }];

    if (m === 'GET' && p === '/gateway/bot') {
      return [
        200,
        {
          url: this.gatewayUrl,
          shards: this.options.recommendedShards,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        },
      ];
    }
    if (m === 'GET' && p === '/gateway') return [200, { url: this.gatewayUrl }];
    if (m === 'GET' && p === '/users/@me') return [200, this.botUser];
    if (m === 'GET' && p === '/applications/@me') {
      return [
        200,
        {
          id: this.applicationId,
          name: this.botUser.username,
          icon: null,
          description: '',
          bot_public: true,
          bot_require_code_grant: false,
          verify_key: 'x',
          flags: 0,
          bot: this.botUser,
        },
      ];
    }
    if ((x = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(p))) {
      if (x[1] !== this.applicationId) return [403, { message: 'Missing Access', code: 50001 }];
      const key = x[2] ?? 'global';
      if (x[2] && !this.guilds.some((g) => g.id === x![2])) return [404, { message: 'Unknown Guild', code: 10004 }];
      if (m === 'GET') return [200, this.registered.get(key) ?? []];
      if (m === 'PUT') {
        this.commandVersion += 1n;
        const previous = this.registered.get(key) ?? [];
        const echoed = (r.body as Record<string, unknown>[]).map((c) => ({
          ...c,
          id: String(previous.find((o) => o.name === c.name)?.id ?? snowflake()),
          application_id: this.applicationId,
          version: snowflake(),
          type: c.type ?? 1,
          default_member_permissions: c.default_member_permissions ?? null,
          ...(x![2] ? { guild_id: x![2] } : {}),
        }));
        this.registered.set(key, echoed);
        return [200, echoed];
      }
    }
    if ((x = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(p)) && m === 'POST') {
      const i = this.interactions.get(x[1]!);
      if (!i || i.token !== x[2] || i.expired) return [404, { message: 'Unknown interaction', code: 10062 }];
      if (i.acknowledged) return [400, { message: 'Interaction has already been acknowledged.', code: 40060 }];
      i.acknowledged = true;
      const body = r.body as { type: number; data?: Record<string, unknown> };
      if (body.type === 9) i.modal = body.data ?? {};
      else if ((body.type === 6 || body.type === 7) && i.message) {
        // As Discord: an update callback changes the message the component is on.
        if (body.type === 7) this.editChannelMessage(i.message.channelId, i.message.id, body.data ?? {});
        i.original = this.channelMessage(i.message.channelId, i.message.id);
      } else if (body.type === 4 || body.type === 5 || body.type === 7) {
        i.original = this.message(i.channelId, body.type === 5 ? { content: '', flags: ((body.data?.flags as number) ?? 0) | 128 } : (body.data ?? {}), {
          interaction: i,
          files: r.files,
        });
      }
      if (r.query.with_response === 'true') {
        return [
          200,
          {
            interaction: {
              id: i.id,
              type: 2,
              response_message_id: i.original?.id,
              response_message_loading: body.type === 5,
              response_message_ephemeral: false,
            },
            resource: i.original ? { type: body.type, message: i.original } : undefined,
          },
        ];
      }
      return [204, undefined];
    }
    if ((x = /^\/webhooks\/(\d+)\/([^/]+)(\/messages\/@original)?$/.exec(p))) {
      const i = [...this.interactions.values()].find((it) => it.token === x![2]);
      if (!i || x[1] !== this.applicationId || i.expired) return [404, { message: 'Unknown Webhook', code: 10015 }];
      if (x[3]) {
        if (!i.original) return [404, { message: 'Unknown Message', code: 10008 }];
        if (m === 'GET') return [200, i.original];
        if (m === 'PATCH' && i.message) {
          i.original = this.editChannelMessage(i.message.channelId, i.message.id, r.body as Record<string, unknown>);
          return [200, i.original];
        }
        if (m === 'PATCH') {
          const data = r.body as Record<string, unknown>;
          const flags = (((i.original.flags as number) ?? 0) & ~128) | 0;
          i.original = {
            ...i.original,
            ...this.message(i.channelId, data, { interaction: i, files: r.files }),
            id: i.original.id,
            flags,
            edited_timestamp: new Date().toISOString(),
          };
          return [200, i.original];
        }
        if (m === 'DELETE') return [204, undefined];
      } else if (m === 'POST') {
        if (!i.acknowledged) return [400, { message: 'Interaction has not been acknowledged', code: 40060 }];
        return [200, this.message(i.channelId, r.body as Record<string, unknown>, { interaction: i, files: r.files })];
      }
    }
    if ((x = /^\/channels\/(\d+)$/.exec(p)) && m === 'GET') {
      for (const g of this.guilds) {
        const c = g.channels.find((ch) => ch.id === x![1]);
        if (c) return [200, this.channelObject(g, c)];
      }
      return [404, { message: 'Unknown Channel', code: 10003 }];
    }
    if ((x = /^\/channels\/(\d+)\/messages$/.exec(p)) && m === 'POST') {
      if (!this.guilds.some((g) => g.channels.some((c) => c.id === x![1]))) return [404, { message: 'Unknown Channel', code: 10003 }];
      if (this.guilds.some((g) => g.channels.some((c) => c.id === x![1] && c.type === 15)))
        return [400, { message: 'Cannot send messages in a non-text channel', code: 50008 }];
      const sent = r.body as Record<string, unknown>;
      // enforce_nonce: a message with the same nonce from the same author in the last minutes is returned, not posted again.
      const nonceKey = sent.enforce_nonce === true && sent.nonce !== undefined ? `${x[1]}:${String(sent.nonce)}` : null;
      const earlier = nonceKey ? this.nonces.get(nonceKey) : undefined;
      if (earlier && this.now() - earlier.at < this.nonceWindowMs) return [200, earlier.message];
      const msg = { ...this.message(x[1]!, sent, { files: r.files }), ...(sent.nonce !== undefined ? { nonce: sent.nonce } : {}) };
      if (nonceKey) this.nonces.set(nonceKey, { at: this.now(), message: msg });
      const list = this.channelMessages.get(x[1]!) ?? [];
      list.push(msg);
      this.channelMessages.set(x[1]!, list);
      return [200, msg];
    }
    if ((x = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(p)) && m === 'PATCH') {
      if (!this.channelMessage(x[1]!, x[2]!)) return [404, { message: 'Unknown Message', code: 10008 }];
      return [200, this.editChannelMessage(x[1]!, x[2]!, r.body as Record<string, unknown>)];
    }
    if ((x = /^\/channels\/(\d+)\/threads$/.exec(p)) && m === 'POST') {
      // A forum post: a new thread in the forum whose first message is the one given (as Discord does, a
      // message can only be posted in a forum this way; a text channel's thread is started from a message).
      const guild = this.guilds.find((g) => g.channels.some((c) => c.id === x![1]));
      const forum = guild?.channels.find((c) => c.id === x![1]);
      if (!guild || !forum) return [404, { message: 'Unknown Channel', code: 10003 }];
      if (forum.type !== 15) return [400, { message: 'Invalid Form Body (fake: only forum posts are served here)', code: 50035 }];
      const body = r.body as { name: string; message?: Record<string, unknown> };
      const threadId = snowflake(this.now());
      // As Discord: a forum post's first message has the post's own id.
      const msg = { ...this.message(threadId, body.message ?? {}, { files: r.files }), id: threadId, guild_id: guild.id };
      const post = {
        id: threadId,
        type: 11,
        guild_id: guild.id,
        parent_id: forum.id,
        name: body.name,
        owner_id: this.botUser.id,
        message_count: 1,
        member_count: 1,
        thread_metadata: { archived: false, auto_archive_duration: 4320, archive_timestamp: new Date(this.now()).toISOString(), locked: false },
        message: msg,
      };
      this.forumPosts.push({ forumId: forum.id, name: body.name, message: msg });
      const { message: _m, ...thread } = post;
      this.forumThreads.push({ guildId: guild.id, thread, message: msg });
      return [201, post];
    }
    if ((x = /^\/guilds\/(\d+)\/threads\/active$/.exec(p)) && m === 'GET') {
      if (!this.guilds.some((g) => g.id === x![1])) return [404, { message: 'Unknown Guild', code: 10004 }];
      // Every forum post here stays open (none is archived).
      return [200, { threads: this.forumThreads.filter((t) => t.guildId === x![1]).map((t) => t.thread), members: [] }];
    }
    if ((x = /^\/channels\/(\d+)\/threads\/archived\/public$/.exec(p)) && m === 'GET') {
      if (!this.guilds.some((g) => g.channels.some((c) => c.id === x![1]))) return [404, { message: 'Unknown Channel', code: 10003 }];
      return [200, { threads: [], members: [], has_more: false }];
    }
    if ((x = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(p)) && m === 'GET') {
      const post = this.forumThreads.find((t) => t.thread.id === x![1]);
      const msg = post?.message.id === x[2] ? post!.message : (this.channelMessages.get(x[1]!) ?? []).find((mm) => mm.id === x![2]);
      return msg ? [200, { ...msg, nonce: undefined }] : [404, { message: 'Unknown Message', code: 10008 }];
    }
    if ((x = /^\/channels\/(\d+)\/messages$/.exec(p)) && m === 'GET') {
      if (!this.guilds.some((g) => g.channels.some((c) => c.id === x![1]))) return [404, { message: 'Unknown Channel', code: 10003 }];
      // As Discord: newest first; with `after`, the oldest `limit` after that id; with `before`, the newest before it.
      const limit = Math.min(100, Math.max(1, Number(r.query.limit ?? 50)));
      const all = (this.channelMessages.get(x[1]!) ?? []).map((msg) => ({ ...msg, nonce: undefined })); // the nonce is not returned here
      const id = (msg: Record<string, unknown>) => BigInt(msg.id as string);
      let page: Record<string, unknown>[];
      if (r.query.after)
        page = all
          .filter((msg) => id(msg) > BigInt(r.query.after!))
          .sort((a, b) => (id(a) < id(b) ? -1 : 1))
          .slice(0, limit);
      else
        page = all
          .filter((msg) => !r.query.before || id(msg) < BigInt(r.query.before))
          .sort((a, b) => (id(a) > id(b) ? -1 : 1))
          .slice(0, limit);
      return [200, page.sort((a, b) => (id(a) > id(b) ? -1 : 1)).map((msg) => JSON.parse(JSON.stringify(msg)) as Record<string, unknown>)];
    }
    if ((x = /^\/guilds\/(\d+)$/.exec(p)) && m === 'GET') {
      const g = this.guilds.find((gg) => gg.id === x![1]);
      return g ? [200, this.guildObject(g)] : [404, { message: 'Unknown Guild', code: 10004 }];
    }
    if ((x = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(p)) && m === 'GET') {
      const g = this.guilds.find((gg) => gg.id === x![1]);
      if (!g) return [404, { message: 'Unknown Guild', code: 10004 }];
      return x[2] === this.botUser.id ? [200, { ...this.member(this.botUser.id), user: this.botUser }] : [404, { message: 'Unknown Member', code: 10007 }];
    }
    return [404, { message: '404: Not Found', code: 0 }];
  }

  /** Edits a posted message in place: the fields given replace the old ones (as a PATCH does), id and timestamp kept. */
  private editChannelMessage(channelId: string, messageId: string, data: Record<string, unknown>): Record<string, unknown> {
    const list = this.channelMessages.get(channelId)!;
    const at = list.findIndex((msg) => msg.id === messageId);
    const old = list[at]!;
    const edited = {
      ...old,
      ...(data.content !== undefined ? { content: data.content } : {}),
      ...(data.embeds !== undefined ? { embeds: data.embeds } : {}),
      ...(data.components !== undefined ? { components: data.components } : {}),
      edited_timestamp: new Date(this.now()).toISOString(),
    };
    list[at] = edited;
    return edited;
  }

  /** A message object as Discord returns it, built from what the bot sent. */
  message(
    channelId: string,
    data: Record<string, unknown>,
    extra: { interaction?: InteractionState; files?: MultipartPart[]; flags?: number } = {},
  ): Record<string, unknown> {
    const guildId = this.guilds.find((g) => g.channels.some((c) => c.id === channelId))?.id;
    const attachments = (extra.files ?? []).map((f, n) => ({
      id: snowflake(),
      filename: f.filename ?? `file${n}`,
      size: f.data.length,
      url: `https://cdn.discordapp.com/attachments/${channelId}/${n}/${f.filename ?? 'file'}`,
      proxy_url: `https://media.discordapp.net/attachments/${channelId}/${n}/${f.filename ?? 'file'}`,
      content_type: f.contentType ?? 'application/octet-stream',
    }));
    return {
      id: snowflake(this.now()),
      type: extra.interaction ? 20 : 0,
      channel_id: channelId,
      ...(guildId ? { guild_id: guildId } : {}),
      author: this.botUser,
      content: (data.content as string | undefined) ?? '',
      embeds: (data.embeds as unknown[] | undefined) ?? [],
      components: (data.components as unknown[] | undefined) ?? [],
      attachments,
      timestamp: new Date(this.now()).toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      flags: extra.flags ?? (data.flags as number | undefined) ?? 0,
      ...(extra.interaction ? { webhook_id: this.applicationId, application_id: this.applicationId } : {}),
    };
  }
}

function isThreadType(type: number | undefined): boolean {
  return type === 10 || type === 11 || type === 12;
}

function matchRoute(route: string | RegExp, actual: string): boolean {
  return typeof route === 'string' ? route === actual : route.test(actual);
}

function matches(m: RequestMatcher, r: RecordedRequest): boolean {
  if (typeof m === 'function') return m(r);
  return (m.method === undefined || m.method === r.method) && (m.route === undefined || matchRoute(m.route, r.route));
}

function defaultErrorBody(status: number): unknown {
  switch (status) {
    case 429:
      return { message: 'You are being rate limited.', retry_after: 0.2, global: false };
    case 403:
      return { message: 'Missing Permissions', code: 50013 };
    case 404:
      return { message: 'Unknown Channel', code: 10003 };
    case 500:
      return { message: '500: Internal Server Error', code: 0 };
    default:
      return { message: `${status}`, code: 0 };
  }
}
