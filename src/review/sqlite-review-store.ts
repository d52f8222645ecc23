import type { RawDataset } from '../schema/index.ts';
import type { Db } from '../storage/db.ts';
import {
  datasetOf,
  decidedRecord,
  publishedRows,
  validDraft,
  type DecideOutcome,
  type Decision,
  type Draft,
  type DraftBundle,
  type DraftKind,
  type DraftRecord,
  type NewDraft,
  type PublishedRecord,
  type ReviewStore,
} from './review-store.ts';

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
 * The review queue in the bot's SQLite database (migration 4). better-sqlite3 is synchronous; the methods
 * are async only to share the interface with PostgreSQL. A decision runs in an IMMEDIATE transaction with
 * a conditional update, so shard processes sharing the file decide each draft once.
 */
export class SqliteReviewStore implements ReviewStore {
  constructor(private readonly db: Db) {}

  async addDraft(d: NewDraft): Promise<Draft> {
    const { record, bundle } = validDraft(d);
    const r = this.db
      .prepare('INSERT INTO review_drafts (article_id, kind, record, bundle, duplicate_of, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(d.articleId, d.kind, JSON.stringify(record), JSON.stringify(bundle), d.duplicateOf ?? null, d.now);
    return this.draftNow(Number(r.lastInsertRowid))!;
  }

  private draftNow(id: number): Draft | null {
    const r = this.db.prepare('SELECT * FROM review_drafts WHERE id = ?').get(id) as DraftRow | undefined;
    return r ? toDraft(r) : null;
  }

  async draft(id: number): Promise<Draft | null> {
    return this.draftNow(id);
  }

  async pending(): Promise<Draft[]> {
    return (this.db.prepare("SELECT * FROM review_drafts WHERE status = 'pending' ORDER BY id").all() as DraftRow[]).map(toDraft);
  }

  async unposted(): Promise<Draft[]> {
    return (this.db.prepare("SELECT * FROM review_drafts WHERE status = 'pending' AND review_message_id IS NULL ORDER BY id").all() as DraftRow[]).map(toDraft);
  }

  async markPosted(id: number, channelId: string, messageId: string): Promise<void> {
    this.db.prepare('UPDATE review_drafts SET review_channel_id = ?, review_message_id = ? WHERE id = ?').run(channelId, messageId, id);
  }

  async decide(id: number, decision: Decision, reviewer: string, now: number): Promise<DecideOutcome> {
    return this.db
      .transaction((): DecideOutcome => {
        const current = this.draftNow(id);
        if (!current) return { ok: false, why: 'not-found' };
        if (current.status !== 'pending') return { ok: false, why: 'already-decided', draft: current };
        const decided = decidedRecord(current, decision);
        if ('problem' in decided) return { ok: false, why: 'invalid-edit', problem: decided.problem };
        const status = decision.decision === 'approve' ? 'approved' : 'rejected';
        // The status condition makes the decision single even across processes sharing the database.
        const changed = this.db
          .prepare("UPDATE review_drafts SET status = ?, decided_by = ?, decided_at = ?, edited = ?, record = ? WHERE id = ? AND status = 'pending'")
          .run(status, reviewer, now, decided.edited ? 1 : 0, JSON.stringify(decided.record), id).changes;
        if (changed === 0) return { ok: false, why: 'already-decided', draft: this.draftNow(id)! };
        if (status === 'approved') {
          const keep = this.db.prepare(
            `INSERT INTO published_records (kind, id, record, draft_id, reviewed_by, reviewed_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (kind, id) DO NOTHING`,
          );
          const replace = this.db.prepare(
            `INSERT INTO published_records (kind, id, record, draft_id, reviewed_by, reviewed_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (kind, id) DO UPDATE SET record = excluded.record, draft_id = excluded.draft_id, reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at, published_at = excluded.published_at`,
          );
          for (const row of publishedRows(current, decided.record))
            (row.replace ? replace : keep).run(row.kind, row.id, JSON.stringify(row.record), id, reviewer, now, now);
        }
        return { ok: true, draft: this.draftNow(id)! };
      })
      .immediate();
  }

  async published(since = 0): Promise<PublishedRecord[]> {
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

  async publishedDataset(): Promise<RawDataset> {
    return datasetOf(await this.published());
  }
}
