import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/** Writes out buffered log lines (before process.exit); never waits more than a moment. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, 500);
    try {
      logger.flush(() => {
        clearTimeout(t);
        resolve();
      });
    } catch {
      clearTimeout(t);
      resolve();
    }
  });
}

/** Interaction and webhook tokens sit in REST URLs (valid 15 minutes, but secrets all the same). */
const URL_TOKENS = /\/(interactions\/\d+|webhooks\/\d+)\/[^/?\s"]+/g;

function serializeError(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (!out || typeof out !== 'object') return out;
  // discord.js errors carry the request: keep method, status, code and route; drop bodies (files, user text).
  delete out.requestBody;
  delete out.rawError;
  for (const k of ['url', 'message', 'stack']) if (typeof out[k] === 'string') out[k] = (out[k] as string).replace(URL_TOKENS, '/$1/[token]');
  return out;
}

/** `pretty`: coloured lines for a person at a terminal (pino-pretty); `json`: one JSON object per line, for log collectors. */
export type LogFormat = 'pretty' | 'json';

/** Human-readable on a terminal, JSON otherwise (a file, a pipe, journald, a container's log driver). */
export function defaultLogFormat(stdout: { isTTY?: boolean } = process.stdout): LogFormat {
  return stdout.isTTY ? 'pretty' : 'json';
}

function defaultDestination(format: LogFormat = defaultLogFormat()): DestinationStream {
  // pino-pretty as a synchronous stream in this process (not a worker transport), so flushLogger and the
  // secret scrubbing below work the same for both formats.
  return format === 'pretty' ? pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l' }) : pino.destination({ dest: 1, sync: false });
}

/**
 * Structured logs (pino, JSON lines). Secrets never reach the output: known secret fields are redacted, and
 * every line is scrubbed of the given secret strings (the bot token) whatever field they hide in.
 */
export function createLogger(options: { level?: string; secrets?: string[]; destination?: DestinationStream; name?: string; format?: LogFormat } = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const out: DestinationStream = options.destination ?? defaultDestination(options.format);
  const flushable = out as DestinationStream & { flush?: (cb: (err?: Error) => void) => void };
  const scrubbed: DestinationStream = secrets.length
    ? Object.assign(
        { write: (line: string) => out.write(secrets.reduce((l, s) => l.split(s).join('[redacted]'), line)) },
        flushable.flush ? { flush: (cb: (err?: Error) => void) => flushable.flush!(cb) } : {},
      )
    : out;
  return pino(
    {
      name: options.name ?? 'incident-bot',
      level: options.level ?? 'info',
      redact: { paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization', 'config.token'], censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    scrubbed,
  );
}
