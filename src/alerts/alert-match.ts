import type { Gazetteer } from '../core/gazetteer.ts';
import type { Incident } from '../schema/index.ts';
import type { AlertSubscription } from './alert-store.ts';

/** Killed + injured as the source states them; null when it states neither (then no minimum is met). */
export function statedCasualties(inc: Incident): number | null {
  let total: number | null = null;
  for (const c of inc.casualties) {
    if (c.killed !== null) total = (total ?? 0) + c.killed;
    if (c.injured !== null) total = (total ?? 0) + c.injured;
  }
  return total;
}

/** Whether an incident passes a channel's alert filter: inside its place (at any level), with at least its casualties. */
export function alertMatches(sub: Pick<AlertSubscription, 'placeId' | 'minCasualties'>, inc: Incident, gazetteer: Pick<Gazetteer, 'lineage'>): boolean {
  if (sub.placeId && !gazetteer.lineage(inc.placeId).some((p) => p.id === sub.placeId)) return false;
  if (sub.minCasualties > 0) {
    const n = statedCasualties(inc);
    if (n === null || n < sub.minCasualties) return false;
  }
  return true;
}
