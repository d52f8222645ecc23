import type { z } from 'zod';
import { Actor, Incident, Place, Quote, Source, Statistic, type RawDataset } from '../schema/index.ts';
import type { Db } from '../storage/db.ts';

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

type DraftRow = {
  id: number;
  article_id: number | null;
  kind: DraftKind;
  record: string;
  bundle: string;
  duplicate_of: string | null;
  status: Draft['status'];
  decided_by: string | null;
  decided_at: number | null;
  edited: number;
  review_channel_id: string | null;
  review_message_id: string | null;
  created_at: number;
};

const toDraft = (r: DraftRow): Draft => ({
  id: r.id,
  articleId: r.article_id,
  kind: r.kind,
  record: JSON.parse(r.record) as DraftRecord,
  bundle: JSON.parse(r.bundle) as DraftBundle,
  duplicateOf: r.duplicate_of,
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  edited: r.edited === 1,
  reviewChannelId: r.review_channel_id,
  reviewMessageId: r.review_message_id,
  createdAt: r.created_at,
});

/**
 * The review queue: drafts extracted from articles wait here until a reviewer approves (possibly edited)
 * or rejects them. A draft is decided once: the decision is a conditional update, so two reviewers
 * clicking together get one decision and one "already decided by …". An approval publishes the record
 * with its source and new places/actors in the same transaction.
 */
export class ReviewStore {
  constructor(private readonly db: Db) {}

  /** Queues a draft; its record and bundle must already be valid under the dataset's schemas. */
  addDraft(d: { articleId: number | null; kind: DraftKind; record: unknown; bundle: DraftBundle; duplicateOf?: string | null; now: number }): Draft {
    const record = check(SCHEMAS[d.kind], d.record, `draft ${d.kind}`);
    const bundle: DraftBundle = {
      source: check(Source, d.bundle.source, 'draft source'),
      places: d.bundle.places.map((p) => check(Place, p, 'draft place')),
      actors: d.bundle.actors.map((a) => check(Actor, a, 'draft actor')),
    };
    const r = this.db
      .prepare('INSERT INTO review_drafts (article_id, kind, record, bundle, duplicate_of, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(d.articleId, d.kind, JSON.stringify(record), JSON.stringify(bundle), d.duplicateOf ?? null, d.now);
    return this.draft(Number(r.lastInsertRowid))!;
  }

  draft(id: number): Draft | null {
    const r = this.db.prepare('SELECT * FROM review_drafts WHERE id = ?').get(id) as DraftRow | undefined;
    return r ? toDraft(r) : null;
  }

  pending(): Draft[] {
    return (this.db.prepare("SELECT * FROM review_drafts WHERE status = 'pending' ORDER BY id").all() as DraftRow[]).map(toDraft);
  }

  /** Drafts not yet posted to the review channel. */
  unposted(): Draft[] {
    return (this.db.prepare("SELECT * FROM review_drafts WHERE status = 'pending' AND review_message_id IS NULL ORDER BY id").all() as DraftRow[]).map(toDraft);
  }

  markPosted(id: number, channelId: string, messageId: string): void {
    this.db.prepare('UPDATE review_drafts SET review_channel_id = ?, review_message_id = ? WHERE id = ?').run(channelId, messageId, id);
  }

  decide(id: number, decision: Decision, reviewer: string, now: number): DecideOutcome {
    return this.db
      .transaction((): DecideOutcome => {
        const current = this.draft(id);
        if (!current) return { ok: false, why: 'not-found' };
        if (current.status !== 'pending') return { ok: false, why: 'already-decided', draft: current };
        let record = current.record;
        let edited = false;
        if (decision.decision === 'approve' && decision.editedRecord !== undefined) {
          try {
            record = check(SCHEMAS[current.kind], decision.editedRecord, `edited ${current.kind}`) as DraftRecord;
          } catch (err) {
            if (err instanceof DraftValidationError) return { ok: false, why: 'invalid-edit', problem: err.message };
            throw err;
          }
          edited = JSON.stringify(record) !== JSON.stringify(current.record);
        }
        const status = decision.decision === 'approve' ? 'approved' : 'rejected';
        // The status condition makes the decision single even across processes sharing the database.
        const changed = this.db
          .prepare("UPDATE review_drafts SET status = ?, decided_by = ?, decided_at = ?, edited = ?, record = ? WHERE id = ? AND status = 'pending'")
          .run(status, reviewer, now, edited ? 1 : 0, JSON.stringify(record), id).changes;
        if (changed === 0) return { ok: false, why: 'already-decided', draft: this.draft(id)! };
        if (status === 'approved') {
          const publish = this.db.prepare(
            `INSERT INTO published_records (kind, id, record, draft_id, reviewed_by, reviewed_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (kind, id) DO NOTHING`,
          );
          publish.run('source', current.bundle.source.id, JSON.stringify(current.bundle.source), id, reviewer, now, now);
          for (const p of current.bundle.places) publish.run('place', p.id, JSON.stringify(p), id, reviewer, now, now);
          for (const a of current.bundle.actors) publish.run('actor', a.id, JSON.stringify(a), id, reviewer, now, now);
          const upsert = this.db.prepare(
            `INSERT INTO published_records (kind, id, record, draft_id, reviewed_by, reviewed_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (kind, id) DO UPDATE SET record = excluded.record, draft_id = excluded.draft_id, reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at, published_at = excluded.published_at`,
          );
          upsert.run(current.kind, record.id, JSON.stringify(record), id, reviewer, now, now);
        }
        return { ok: true, draft: this.draft(id)! };
      })
      .immediate();
  }

  published(since = 0): PublishedRecord[] {
    const rows = this.db.prepare('SELECT * FROM published_records WHERE published_at >= ? ORDER BY published_at, kind, id').all(since) as {
      kind: PublishedRecord['kind'];
      id: string;
      record: string;
      draft_id: number | null;
      reviewed_by: string | null;
      reviewed_at: number | null;
      published_at: number;
    }[];
    return rows.map((r) => ({
      kind: r.kind,
      id: r.id,
      record: JSON.parse(r.record),
      draftId: r.draft_id,
      reviewedBy: r.reviewed_by,
      reviewedAt: r.reviewed_at,
      publishedAt: r.published_at,
    }));
  }

  /** Every published record by kind, as the dataset's files hold them (for loading beside data/, and for `npm run export`). */
  publishedDataset(): RawDataset {
    const out: RawDataset = { sources: [], places: [], actors: [], incidents: [], statistics: [], quotes: [] };
    const plural = { source: 'sources', place: 'places', actor: 'actors', incident: 'incidents', quote: 'quotes', statistic: 'statistics' } as const;
    for (const r of this.published()) (out[plural[r.kind]] as unknown[]).push(r.record);
    return out;
  }
}
