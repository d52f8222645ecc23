/**
 * The review queue: drafts extracted from articles wait here until a reviewer approves (possibly edited)
 * or rejects them, and the records approved drafts published. One interface, two implementations: SQLite
 * in the state folder (`SqliteReviewStore`) and PostgreSQL when DATABASE_URL is set (`PgReviewStore`);
 * `reviewStoreOn(backend)` picks the one for the backend.
 *
 * A draft is decided once: the decision is a conditional update (`… WHERE status = 'pending'`) in the
 * same transaction as the publishing, so two reviewers (or two processes) deciding at the same moment get
 * one decision and one "already decided by …". An approval publishes the record with its source and new
 * places/actors in that transaction.
 */
import type { z } from 'zod';
import { Actor, Incident, Place, Quote, Source, Statistic, type RawDataset } from '../schema/index.ts';

export type DraftKind = 'incident' | 'quote' | 'statistic';
export type DraftRecord = Incident | Quote | Statistic;

/** What a record needs published with it: its source, and the places and actors the dataset does not have yet. */
export interface DraftBundle {
  source: Source;
  places: Place[];
  actors: Actor[];
}

export interface Draft {
  id: number;
  articleId: number | null;
  kind: DraftKind;
  record: DraftRecord;
  bundle: DraftBundle;
  duplicateOf: string | null;
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: string | null;
  decidedAt: number | null;
  edited: boolean;
  reviewChannelId: string | null;
  reviewMessageId: string | null;
  createdAt: number;
}

export interface NewDraft {
  articleId: number | null;
  kind: DraftKind;
  record: unknown;
  bundle: DraftBundle;
  duplicateOf?: string | null;
  now: number;
}

export interface PublishedRecord {
  kind: 'source' | 'place' | 'actor' | DraftKind;
  id: string;
  record: unknown;
  draftId: number | null;
  reviewedBy: string | null;
  reviewedAt: number | null;
  publishedAt: number;
}

export type Decision = { decision: 'approve'; editedRecord?: unknown } | { decision: 'reject' };

export type DecideOutcome =
  | { ok: true; draft: Draft }
  | { ok: false; why: 'already-decided'; draft: Draft }
  | { ok: false; why: 'not-found' }
  | { ok: false; why: 'invalid-edit'; problem: string };

export interface ReviewStore {
  /** Queues a draft; its record and bundle must be valid under the dataset's schemas (else DraftValidationError, and nothing is queued). */
  addDraft(d: NewDraft): Promise<Draft>;
  draft(id: number): Promise<Draft | null>;
  pending(): Promise<Draft[]>;
  /** Drafts not yet posted to the review channel. */
  unposted(): Promise<Draft[]>;
  markPosted(id: number, channelId: string, messageId: string): Promise<void>;
  /** Decides a pending draft once; an approval publishes it in the same transaction. */
  decide(id: number, decision: Decision, reviewer: string, now: number): Promise<DecideOutcome>;
  /** Published records, oldest first (then by kind and id). */
  published(since?: number): Promise<PublishedRecord[]>;
  /** Every published record by kind, as the dataset's files hold them (for loading beside data/, and for `npm run export`). */
  publishedDataset(): Promise<RawDataset>;
}

const SCHEMAS: Record<DraftKind, z.ZodType> = { incident: Incident, quote: Quote, statistic: Statistic };

export class DraftValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DraftValidationError';
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  throw new DraftValidationError(`${what}: ${i.path.join('.') || '(record)'} ${i.message}`);
}

/** The draft's record and bundle as stored: parsed by their schemas; throws DraftValidationError naming the first bad field. */
export function validDraft(d: NewDraft): { record: DraftRecord; bundle: DraftBundle } {
  const record = check(SCHEMAS[d.kind], d.record, `draft ${d.kind}`) as DraftRecord;
  const bundle: DraftBundle = {
    source: check(Source, d.bundle.source, 'draft source'),
    places: d.bundle.places.map((p) => check(Place, p, 'draft place')),
    actors: d.bundle.actors.map((a) => check(Actor, a, 'draft actor')),
  };
  return { record, bundle };
}

/** The record a decision publishes (the edit, when it is valid) and whether it differs from the draft's. */
export function decidedRecord(current: Draft, decision: Decision): { record: DraftRecord; edited: boolean } | { problem: string } {
  if (decision.decision !== 'approve' || decision.editedRecord === undefined) return { record: current.record, edited: false };
  try {
    const record = check(SCHEMAS[current.kind], decision.editedRecord, `edited ${current.kind}`) as DraftRecord;
    return { record, edited: JSON.stringify(record) !== JSON.stringify(current.record) };
  } catch (err) {
    if (err instanceof DraftValidationError) return { problem: err.message };
    throw err;
  }
}

/**
 * The rows an approval writes to published_records, in one fixed order (source, places, actors by id,
 * then the record), so that concurrent approvals sharing a source or a place take their row locks in the
 * same order and cannot deadlock. `replace` false: kept as first published (a shared source or place).
 */
export function publishedRows(current: Draft, record: DraftRecord): { kind: PublishedRecord['kind']; id: string; record: unknown; replace: boolean }[] {
  const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return [
    { kind: 'source', id: current.bundle.source.id, record: current.bundle.source, replace: false },
    ...byId(current.bundle.places).map((p) => ({ kind: 'place' as const, id: p.id, record: p, replace: false })),
    ...byId(current.bundle.actors).map((a) => ({ kind: 'actor' as const, id: a.id, record: a, replace: false })),
    { kind: current.kind, id: record.id, record, replace: true },
  ];
}

const PLURAL = { source: 'sources', place: 'places', actor: 'actors', incident: 'incidents', quote: 'quotes', statistic: 'statistics' } as const;

/** Published records by kind, as the dataset's files hold them. */
export function datasetOf(published: readonly PublishedRecord[]): RawDataset {
  const out: RawDataset = { sources: [], places: [], actors: [], incidents: [], statistics: [], quotes: [] };
  for (const r of published) (out[PLURAL[r.kind]] as unknown[]).push(r.record);
  return out;
}
