import Database from 'better-sqlite3';
import { breakdownByPlaceKind } from '../../src/core/breakdown.ts';
import type { Dataset } from '../../src/core/dataset.ts';
import { normalizeName } from '../../src/core/normalize-name.ts';
import { queryIncidents } from '../../src/core/query-incidents.ts';
import { CASUALTY_GROUPS, type Incident } from '../../src/schema/index.ts';

/** What /attacks shows: the page's ids, the number of matches and the sums over all of them. */
export interface PageAnswer {
  ids: string[];
  total: number;
  /** killed, injured per casualty group (CASUALTY_GROUPS order), then open-figure count. */
  sums: number[];
}
/** What /stats shows: the totals and one row per province with matches. */
export interface StatsAnswer {
  total: number;
  sums: number[];
  provinces: { placeId: string; count: number; sums: number[] }[];
}
export interface AttacksQuery {
  placeId: string;
  from: string | null;
  to: string | null;
}

/** The same questions answered three ways: our indexes, SQLite, a plain array scan. */
export interface Engine {
  name: string;
  attacks(q: AttacksQuery, offset: number, limit: number): PageAnswer;
  stats(placeId: string, from: string, to: string): StatsAnswer;
  /** The place a mistyped name most likely means. */
  fuzzyPlace(typed: string): string | null;
}

const SLOTS = CASUALTY_GROUPS.length * 2 + 1;

function sumsOf(inc: Incident, into: number[]): void {
  let open = inc.casualties.length === 0;
  for (const c of inc.casualties) {
    const g = CASUALTY_GROUPS.indexOf(c.group) * 2;
    if (c.killed !== null) into[g]! += c.killed;
    else open = true;
    if (c.injured !== null) into[g + 1]! += c.injured;
    else open = true;
  }
  if (open) into[SLOTS - 1]! += 1;
}

function totalsToSums(t: Record<string, { killed: number; injured: number }>, open: number): number[] {
  return [...CASUALTY_GROUPS.flatMap((g) => [t[g]!.killed, t[g]!.injured]), open];
}

export function oursEngine(ds: Dataset): Engine {
  return {
    name: 'ours',
    attacks(q, offset, limit) {
      const r = queryIncidents(ds, q, { offset, limit });
      return { ids: r.incidents.map((i) => i.id), total: r.total, sums: totalsToSums(r.totals, r.withoutFigures) };
    },
    stats(placeId, from, to) {
      const all = queryIncidents(ds, { placeId, from, to }, { offset: 0, limit: 0 });
      const rows = breakdownByPlaceKind(ds, placeId, 'province', from, to);
      return {
        total: all.total,
        sums: totalsToSums(all.totals, all.withoutFigures),
        provinces: rows.map((r) => ({ placeId: r.placeId, count: r.count, sums: totalsToSums(r.totals, r.withoutFigures) })),
      };
    },
    fuzzyPlace(typed) {
      const r = ds.gazetteer.resolve(typed);
      return r.kind === 'found' ? r.id : (r.suggestions[0] ?? null);
    },
  };
}

/** Levenshtein distance, for the engines that have no fuzzy index. */
function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

const newestFirst = (a: Incident, b: Incident) => (a.date.date > b.date.date ? -1 : a.date.date < b.date.date ? 1 : a.id < b.id ? -1 : 1);

/** No index at all: every question walks every record. */
export function scanEngine(ds: Dataset): Engine {
  const records = ds.raw.incidents;
  const g = ds.gazetteer;
  const names = [...g.all()].flatMap((p) => [p.name, ...p.aliases].map((n) => ({ id: p.id, key: normalizeName(n) })));
  const inside = (placeId: string) => new Set(g.descendants(placeId));
  const inRange = (inc: Incident, from: string | null, to: string | null) => (!from || inc.date.date >= from) && (!to || inc.date.date <= to);
  return {
    name: 'scan',
    attacks(q, offset, limit) {
      const places = inside(q.placeId);
      const matches = records.filter((inc) => places.has(inc.placeId) && inRange(inc, q.from, q.to));
      const sums = new Array<number>(SLOTS).fill(0);
      for (const inc of matches) sumsOf(inc, sums);
      matches.sort(newestFirst);
      return { ids: matches.slice(offset, offset + limit).map((i) => i.id), total: matches.length, sums };
    },
    stats(placeId, from, to) {
      const places = inside(placeId);
      const sums = new Array<number>(SLOTS).fill(0);
      const byProvince = new Map<string, { count: number; sums: number[] }>();
      let total = 0;
      for (const inc of records) {
        if (!places.has(inc.placeId) || !inRange(inc, from, to)) continue;
        total++;
        sumsOf(inc, sums);
        const prov = g.ancestorOfKind(inc.placeId, 'province');
        if (!prov) continue;
        let row = byProvince.get(prov.id);
        if (!row) byProvince.set(prov.id, (row = { count: 0, sums: new Array<number>(SLOTS).fill(0) }));
        row.count++;
        sumsOf(inc, row.sums);
      }
      const provinces = [...byProvince].map(([id, r]) => ({ placeId: id, ...r })).sort((a, b) => b.count - a.count || a.placeId.localeCompare(b.placeId));
      return { total, sums, provinces };
    },
    fuzzyPlace(typed) {
      const n = normalizeName(typed);
      let best: string | null = null;
      let bestD = Infinity;
      for (const e of names) {
        const d = editDistance(n, e.key);
        if (d < bestD) [best, bestD] = [e.id, d];
      }
      return best;
    },
  };
}

/**
 * better-sqlite3 over the same records, built in the same run: a clustered (WITHOUT ROWID) table of
 * (place at every level, day, position) with the figures denormalised into it, so both the page and
 * the sums are one range scan of the primary key; the records themselves as JSON by position.
 */
export function sqliteEngine(ds: Dataset, path: string): Engine & { close(): void } {
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144'); // 256 MB page cache
  const fig = [...CASUALTY_GROUPS.flatMap((_, i) => [`k${i}`, `i${i}`]), 'open'];
  db.exec(`
    CREATE TABLE incidents (pos INTEGER PRIMARY KEY, id TEXT NOT NULL, json TEXT NOT NULL);
    CREATE TABLE incident_places (place_id TEXT NOT NULL, day INTEGER NOT NULL, pos INTEGER NOT NULL, ${fig.map((f) => `${f} INTEGER NOT NULL`).join(', ')},
      PRIMARY KEY (place_id, day DESC, pos)) WITHOUT ROWID;
    CREATE TABLE places (id TEXT PRIMARY KEY, kind TEXT NOT NULL);
    CREATE TABLE place_ancestors (ancestor_id TEXT NOT NULL, place_id TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (ancestor_id, kind, place_id)) WITHOUT ROWID;
    CREATE TABLE place_names (place_id TEXT NOT NULL, name TEXT NOT NULL);
  `);
  const g = ds.gazetteer;
  const insInc = db.prepare('INSERT INTO incidents VALUES (?, ?, ?)');
  const insIp = db.prepare(`INSERT INTO incident_places VALUES (${['?', '?', '?', ...fig.map(() => '?')].join(', ')})`);
  const lineage = new Map<string, string[]>();
  db.transaction(() => {
    for (const p of g.all()) {
      db.prepare('INSERT INTO places VALUES (?, ?)').run(p.id, p.kind);
      for (const n of [p.name, ...p.aliases]) db.prepare('INSERT INTO place_names VALUES (?, ?)').run(p.id, normalizeName(n));
      for (const a of g.lineage(p.id)) db.prepare('INSERT OR IGNORE INTO place_ancestors VALUES (?, ?, ?)').run(a.id, p.id, p.kind);
    }
    const incs = ds.incidents.incidents;
    const sums = new Array<number>(SLOTS);
    for (let pos = 0; pos < incs.length; pos++) {
      const inc = incs[pos]!;
      insInc.run(pos, inc.id, JSON.stringify(inc));
      sums.fill(0);
      sumsOf(inc, sums);
      const day = ds.incidents.dayKeys[pos]!;
      let ls = lineage.get(inc.placeId);
      if (!ls) lineage.set(inc.placeId, (ls = g.lineage(inc.placeId).map((p) => p.id)));
      for (const placeId of ls) insIp.run(placeId, day, pos, ...sums);
    }
  })();
  db.exec('ANALYZE');
  const dayOf = (iso: string | null, dflt: number) => (iso ? Number(iso.replaceAll('-', '')) : dflt);
  const page = db.prepare(
    'SELECT i.json FROM incident_places ip JOIN incidents i ON i.pos = ip.pos WHERE ip.place_id = ? AND ip.day BETWEEN ? AND ? ORDER BY ip.day DESC, ip.pos LIMIT ? OFFSET ?',
  );
  const totals = db.prepare(
    `SELECT count(*) AS n, ${fig.map((f) => `coalesce(sum(${f}), 0) AS ${f}`).join(', ')} FROM incident_places WHERE place_id = ? AND day BETWEEN ? AND ?`,
  );
  const provinces = db.prepare(
    `SELECT ip.place_id AS placeId, count(*) AS n, ${fig.map((f) => `sum(ip.${f}) AS ${f}`).join(', ')} FROM place_ancestors pa JOIN incident_places ip ON ip.place_id = pa.place_id
     WHERE pa.ancestor_id = ? AND pa.kind = 'province' AND ip.day BETWEEN ? AND ? GROUP BY ip.place_id ORDER BY n DESC, ip.place_id`,
  );
  const allNames = db.prepare('SELECT place_id AS id, name FROM place_names');
  const exactName = db.prepare('SELECT place_id AS id FROM place_names WHERE name = ? LIMIT 1');
  type Row = Record<string, number> & { n: number };
  const sumsRow = (r: Row) => fig.map((f) => r[f]!);
  return {
    name: 'sqlite',
    attacks(q, offset, limit) {
      const from = dayOf(q.from, 0);
      const to = dayOf(q.to, 99999999);
      const rows = page.all(q.placeId, from, to, limit, offset) as { json: string }[];
      const t = totals.get(q.placeId, from, to) as Row;
      return { ids: rows.map((r) => (JSON.parse(r.json) as Incident).id), total: t.n, sums: sumsRow(t) };
    },
    stats(placeId, from, to) {
      const f = dayOf(from, 0);
      const t = dayOf(to, 99999999);
      const all = totals.get(placeId, f, t) as Row;
      const rows = provinces.all(placeId, f, t) as (Row & { placeId: string })[];
      return { total: all.n, sums: sumsRow(all), provinces: rows.map((r) => ({ placeId: r.placeId, count: r.n, sums: sumsRow(r) })) };
    },
    fuzzyPlace(typed) {
      const n = normalizeName(typed);
      const hit = exactName.get(n) as { id: string } | undefined;
      if (hit) return hit.id;
      let best: string | null = null;
      let bestD = Infinity;
      for (const r of allNames.iterate() as Iterable<{ id: string; name: string }>) {
        const d = editDistance(n, r.name);
        if (d < bestD) [best, bestD] = [r.id, d];
      }
      return best;
    },
    close: () => db.close(),
  };
}
