import type pg from 'pg';
import { inTransaction, retryOnConnectionLoss } from '../storage/postgres.ts';
import type { RawDataset } from '../schema/index.ts';
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
  record: DraftRecord; // json columns arrive parsed
  bundle: DraftBundle;
  duplicate_of: string | null;
  status: Draft['status'];
  decided_by: string | null;
  decided_at: string | number | null; // BIGINT: a number from openPostgres's pools, a string from pg's default parser
  edited: boolean;
  review_channel_id: string | null;
  review_message_id: string | null;
  created_at: string | number;
};

const toDraft = (r: DraftRow): Draft => ({
  id: r.id,
  articleId: r.article_id,
  kind: r.kind,
  record: r.record,
  bundle: r.bundle,
  duplicateOf: r.duplicate_of,
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  edited: r.edited,
  reviewChannelId: r.review_channel_id,
  reviewMessageId: r.review_message_id,
  createdAt: Number(r.created_at),
});

/**
 * The review queue in PostgreSQL (migration 30), shared by every process and machine. A decision is
 * claimed in the database: `UPDATE … WHERE id = $1 AND status = 'pending'` in the transaction that also
 * publishes. A second decider's update waits for the first's row lock, then finds the draft no longer
 * pending and changes nothing, so each draft is decided once, by one process.
 */
export class PgReviewStore implements ReviewStore {
  constructor(private readonly pool: pg.Pool) {}

  /** One statement, tried again while the connection is lost. */
  private query<R extends pg.QueryResultRow>(what: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    return retryOnConnectionLoss(what, () => this.pool.query<R>(sql, params));
  }

  async addDraft(d: NewDraft): Promise<Draft> {
    const { record, bundle } = validDraft(d);
    const { rows } = await this.query<DraftRow>(
      'queueing a draft',
      'INSERT INTO review_drafts (article_id, kind, record, bundle, duplicate_of, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
      [d.articleId, d.kind, JSON.stringify(record), JSON.stringify(bundle), d.duplicateOf ?? null, d.now],
    );
    return toDraft(rows[0]!);
  }

  async draft(id: number): Promise<Draft | null> {
    const { rows } = await this.query<DraftRow>('reading a draft', 'SELECT * FROM review_drafts WHERE id = $1', [id]);
    return rows[0] ? toDraft(rows[0]) : null;
  }

  async pending(): Promise<Draft[]> {
    return (await this.query<DraftRow>('listing drafts', "SELECT * FROM review_drafts WHERE status = 'pending' ORDER BY id")).rows.map(toDraft);
  }

  async unposted(): Promise<Draft[]> {
    return (
      await this.query<DraftRow>('listing drafts', "SELECT * FROM review_drafts WHERE status = 'pending' AND review_message_id IS NULL ORDER BY id")
    ).rows.map(toDraft);
  }

  async markPosted(id: number, channelId: string, messageId: string): Promise<void> {
    await this.query('marking a draft posted', 'UPDATE review_drafts SET review_channel_id = $1, review_message_id = $2 WHERE id = $3', [
      channelId,
      messageId,
      id,
    ]);
  }

  async decide(id: number, decision: Decision, reviewer: string, now: number): Promise<DecideOutcome> {
    // A transaction lost with its connection was rolled back by the server and is run again; one whose
    // COMMIT went through but whose answer was lost finds the draft decided, by this very decision.
    return retryOnConnectionLoss(`deciding draft ${id}`, (attempt) =>
      inTransaction(this.pool, async (c): Promise<DecideOutcome> => {
        const read = async () => {
          const { rows } = await c.query<DraftRow>('SELECT * FROM review_drafts WHERE id = $1', [id]);
          return rows[0] ? toDraft(rows[0]) : null;
        };
        const current = await read();
        if (!current) return { ok: false, why: 'not-found' };
        if (current.status !== 'pending') {
          const ours =
            attempt > 0 &&
            current.decidedBy === reviewer &&
            current.decidedAt === now &&
            current.status === (decision.decision === 'approve' ? 'approved' : 'rejected');
          return ours ? { ok: true, draft: current } : { ok: false, why: 'already-decided', draft: current };
        }
        const decided = decidedRecord(current, decision);
        if ('problem' in decided) return { ok: false, why: 'invalid-edit', problem: decided.problem };
        const status = decision.decision === 'approve' ? 'approved' : 'rejected';
        // The claim: only one transaction can move the draft out of 'pending'.
        const claimed = await c.query<DraftRow>(
          "UPDATE review_drafts SET status = $1, decided_by = $2, decided_at = $3, edited = $4, record = $5 WHERE id = $6 AND status = 'pending' RETURNING *",
          [status, reviewer, now, decided.edited, JSON.stringify(decided.record), id],
        );
        if (!claimed.rows[0]) return { ok: false, why: 'already-decided', draft: (await read())! };
        if (status === 'approved') {
          for (const row of publishedRows(current, decided.record)) {
            await c.query(
              `INSERT INTO published_records (kind, id, record, draft_id, reviewed_by, reviewed_at, published_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
             ON CONFLICT (kind, id) DO ${
               row.replace
                 ? 'UPDATE SET record = excluded.record, draft_id = excluded.draft_id, reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at, published_at = excluded.published_at'
                 : 'NOTHING'
             }`,
              [row.kind, row.id, JSON.stringify(row.record), id, reviewer, now],
            );
          }
        }
        return { ok: true, draft: toDraft(claimed.rows[0]) };
      }),
    );
  }

  async published(since = 0): Promise<PublishedRecord[]> {
    // COLLATE "C": the byte order SQLite uses, so both stores list (and export) in the same order.
    const { rows } = await this.query<{
      kind: PublishedRecord['kind'];
      id: string;
      record: unknown;
      draft_id: number | null;
      reviewed_by: string | null;
      reviewed_at: string | number | null;
      published_at: string | number;
    }>('listing published records', 'SELECT * FROM published_records WHERE published_at >= $1 ORDER BY published_at, kind COLLATE "C", id COLLATE "C"', [
      since,
    ]);
    return rows.map((r) => ({
      kind: r.kind,
      id: r.id,
      record: r.record,
      draftId: r.draft_id,
      reviewedBy: r.reviewed_by,
      reviewedAt: r.reviewed_at === null ? null : Number(r.reviewed_at),
      publishedAt: Number(r.published_at),
    }));
  }

  async publishedDataset(): Promise<RawDataset> {
    return datasetOf(await this.published());
  }
}
