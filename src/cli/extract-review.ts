/** The terminal layout a reviewer reads: each draft with its fields and the sentences behind it. */
import type { Actor } from '../schema/index.ts';
import type { Extraction } from '../extract/extract-article.ts';

export function renderReview(x: Extraction, names: { place: (id: string) => string; actor: (id: string) => string }): string {
  const out: string[] = [];
  const actorName = (id: string | null) => (id ? (x.actors.find((a: Actor) => a.id === id)?.name ?? names.actor(id)) : 'not stated');
  const placeName = (id: string) => x.places.find((p) => p.id === id)?.name ?? names.place(id);
  const evidence = (ss: string[]) => ss.map((s) => `    > ${s}`);
  out.push(`Source: ${x.source.title} (${x.source.published?.date ?? 'date unknown'})${x.source.dateline ? `, dateline ${x.source.dateline}` : ''}`);
  out.push('');
  if (!x.incidents.length) out.push('No incidents found.');
  for (const i of x.incidents) {
    const d = i.date;
    const day = d.precision === 'range' ? `${d.date} to ${d.end}` : d.precision === 'derived' ? `${d.date} (derived: "${d.derivedFrom?.phrase}")` : d.date;
    out.push(`INCIDENT ${i.id}  confidence ${i.confidence}`);
    out.push(`  day:         ${day}${d.note ? `  (${d.note})` : ''}`);
    out.push(
      `  place:       ${placeName(i.placeId)} [${i.location.precision}]${x.places.some((p) => p.id === i.placeId) ? '  NEW PLACE, no coordinates' : ''}`,
    );
    out.push(`  perpetrator: ${actorName(i.perpetratorId)}${i.claimed ? ' (claimed)' : ''}`);
    if (i.target) out.push(`  target:      ${i.target}`);
    if (i.weapons) out.push(`  weapons:     ${i.weapons.join(', ')}`);
    for (const c of i.casualties)
      out.push(
        `  casualties:  ${c.label} [${c.group}]: killed ${c.killed ?? 'not stated'}, injured ${c.injured ?? 'not stated'}${c.note ? `  (${c.note})` : ''}`,
      );
    if (i.casualtyNote) out.push(`  note:        ${i.casualtyNote}`);
    out.push(`  possible duplicates: ${i.matches.length ? i.matches.join(', ') : 'none'}`);
    out.push('  evidence:', ...evidence(i.evidence), '');
  }
  for (const q of x.quotes) {
    out.push(
      `${q.kind === 'direct' ? 'QUOTE' : 'PARAPHRASE'} ${actorName(q.speakerId)}${q.viaId ? ` (via ${actorName(q.viaId)})` : ''}${q.venue ? `, ${q.venue}` : ''}`,
    );
    out.push(q.kind === 'direct' ? `  “${q.text}”` : `  ${q.text}`);
    out.push('  evidence:', ...evidence(q.evidence), '');
  }
  for (const s of x.statistics) {
    // A month is a range: its last day, not its first, ends the period ("published in July": July 1 to 31).
    const period = s.period ? ` ${s.period.from.date} to ${s.period.to.end ?? s.period.to.date}` : '';
    out.push(
      `STATISTIC ${s.qualifier === 'exact' ? '' : `${s.qualifier} `}${s.value} ${s.description}${period}${s.reporterId ? `, reported by ${actorName(s.reporterId)}` : ''}${s.parentId ? ` (part of ${s.parentId})` : ''}`,
    );
    out.push('  evidence:', ...evidence(s.evidence), '');
  }
  for (const p of x.places) out.push(`NEW PLACE ${p.name} (${p.kind}) in ${p.parentId ? placeName(p.parentId) : 'unknown'}: no coordinates yet`);
  for (const a of x.actors) out.push(`NEW ACTOR ${a.name} (${a.kind})${a.role && a.role !== a.name ? `, ${a.role}` : ''}`);
  return out.join('\n').trimEnd();
}
