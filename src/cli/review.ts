/**
 * `npm run review -- list | show <id> | approve <id> [--set path=value …] | reject <id>  [--as NAME]`
 * The review queue in a terminal (PostgreSQL with DATABASE_URL, else the state folder's database): the same
 * decisions as the Discord review channel, decided once.
 * `--set casualties.0.killed=4` edits a field before approving (the edited record must still be valid).
 * `--same-event <incident id>` (or `--same-event duplicate`: the draft's possible duplicate) publishes
 * an incident as another report of an existing record's event: counted once, under that record.
 */
import './exit-on-closed-pipe.ts';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadAppConfigOrExit } from '../config.ts';
import { sameEventProblem } from '../core/check-references.ts';
import { DEFAULT_DATA_DIR, loadDataset } from '../data/load-dataset.ts';
import { reviewStoreOn } from '../review/open-review-store.ts';
import type { Draft, ReviewStore } from '../review/review-store.ts';
import { closeStoreBackend } from '../storage/backend.ts';
import { openStateOrExit, reportStoreFailure } from './open-state.ts';

const USAGE =
  'usage: npm run review -- list | show <id> | approve <id> [--set path=value ...] [--same-event <incident id> | duplicate] | reject <id>  [--as NAME]';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function summary(d: Draft): string {
  const r = d.record as { id: string; summary?: string; text?: string; date?: { date: string } };
  return `#${d.id} ${d.kind} ${r.id}${r.date ? ` (${r.date.date})` : ''}: ${r.summary ?? r.text ?? ''}${d.duplicateOf ? `  [possible duplicate of ${d.duplicateOf}]` : ''}`;
}

/** Sets `value` at a dotted path ("casualties.0.killed"); the value is read as JSON when it parses, else as text. */
export function setPath(record: unknown, path: string, raw: string): unknown {
  const copy = structuredClone(record) as Record<string, unknown>;
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    const next = at[k];
    if (next === null || typeof next !== 'object') throw new Error(`no field ${path}`);
    at = next as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (!(last in at)) throw new Error(`no field ${path}`);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // plain text
  }
  at[last] = value;
  return copy;
}

async function main(argv: string[]): Promise<void> {
  const options = { set: { type: 'string', multiple: true }, as: { type: 'string' }, 'same-event': { type: 'string' } } as const;
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof options }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const [verb, idText] = parsed.positionals;
  const backend = await openStateOrExit(loadAppConfigOrExit());
  try {
    await run(verb, idText, parsed.values, reviewStoreOn(backend));
  } catch (err) {
    reportStoreFailure(err);
  } finally {
    await closeStoreBackend(backend);
  }
}

async function run(
  verb: string | undefined,
  idText: string | undefined,
  values: { set?: string[]; as?: string; 'same-event'?: string },
  store: ReviewStore,
): Promise<void> {
  const reviewer = values.as ?? `${userInfo().username} (console)`;
  const id = Number(idText);
  const needId = async () => {
    if (!idText || !Number.isInteger(id) || id < 1) fail(`${verb} needs a draft number (see \`npm run review -- list\`)`);
    const d = await store.draft(id);
    if (!d) fail(`No draft #${id}.`);
    return d;
  };
  switch (verb) {
    case 'list': {
      const pending = await store.pending();
      if (pending.length === 0) process.stdout.write('No drafts waiting for review.\n');
      for (const d of pending) process.stdout.write(`${summary(d)}\n`);
      return;
    }
    case 'show': {
      const d = await needId();
      process.stdout.write(
        `${summary(d)}\nstatus: ${d.status}${d.decidedBy ? ` (by ${d.decidedBy} on ${new Date(d.decidedAt!).toISOString()})` : ''}\nsource: ${d.bundle.source.title}${d.bundle.source.url ? ` <${d.bundle.source.url}>` : ''}\n`,
      );
      const evidence = (d.record as { evidence?: string[] }).evidence ?? [];
      for (const e of evidence) process.stdout.write(`  > ${e}\n`);
      process.stdout.write(`${JSON.stringify(d.record, null, 2)}\n`);
      return;
    }
    case 'approve':
    case 'reject': {
      const d = await needId();
      let edited: unknown;
      if (verb === 'approve' && values.set?.length) {
        edited = d.record;
        for (const s of values.set) {
          const eq = s.indexOf('=');
          if (eq < 1) fail(`--set takes path=value, not "${s}"`);
          try {
            edited = setPath(edited, s.slice(0, eq), s.slice(eq + 1));
          } catch (err) {
            fail(`Not changed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      }
      const sameAs = values['same-event'];
      if (verb === 'approve' && sameAs !== undefined) {
        if (d.kind !== 'incident') fail(`--same-event links incidents; #${d.id} is a ${d.kind}.`);
        const target = sameAs === 'duplicate' ? d.duplicateOf : sameAs;
        if (!target) fail(`#${d.id} has no possible duplicate; name the incident: --same-event <incident id>.`);
        const record = (edited ?? d.record) as { id: string };
        const config = loadAppConfigOrExit();
        const ds = loadDataset(config.datasetDir ?? DEFAULT_DATA_DIR);
        const published = new Map((await store.publishedDataset()).incidents.map((i) => [i.id, i] as const));
        const problem = sameEventProblem({ get: (id) => ds.incident(id) ?? published.get(id) }, record.id, target);
        if (problem) fail(`Not approved: ${problem}.`);
        edited = { ...record, sameEventAs: target };
      }
      const r = await store.decide(
        d.id,
        verb === 'approve' ? { decision: 'approve', ...(edited !== undefined ? { editedRecord: edited } : {}) } : { decision: 'reject' },
        reviewer,
        Date.now(),
      );
      if (r.ok) process.stdout.write(`#${d.id} ${r.draft.status}${r.draft.edited ? ' (edited)' : ''} by ${reviewer}.\n`);
      else if (r.why === 'already-decided')
        fail(`#${d.id} was already ${r.draft.status} by ${r.draft.decidedBy} on ${new Date(r.draft.decidedAt!).toISOString()}; nothing changed.`);
      else if (r.why === 'invalid-edit') fail(`Not approved: ${r.problem}`);
      else fail(`No draft #${d.id}.`);
      return;
    }
    default:
      fail(USAGE);
  }
}

await main(process.argv.slice(2));
