import type { Dataset } from './dataset.ts';

/** The actor option's word for "no actor filter": all recorded violence. */
export const ANY_ACTOR = 'any';

/** Whether an actor option asks for every actor ("any", "all"). */
export function isAnyActor(value: string): boolean {
  return /^\s*(any|all)\s*$/i.test(value);
}

/** The actor a query counts when none is asked for: the dataset's focus actor, or null (any) when it declares none. */
export function defaultActorId(ds: Dataset): string | null {
  return ds.focus?.actorId ?? null;
}

/**
 * What a selection counts, as the head of a title: "Incidents involving the Islamic State" (the focus
 * actor, named as the dataset declares), "Incidents involving Syrian army", "All recorded violence".
 */
export function countedLabel(ds: Dataset, actorId: string | null): string {
  if (actorId === null) return 'All recorded violence';
  const focus = ds.focus;
  return `Incidents involving ${focus && focus.actorId === actorId ? focus.name : ds.actorName(actorId)}`;
}

/**
 * The actor option that asks for the same thing again (page buttons, "next:" hints): nothing for the
 * default, "any" for all recorded violence, the id otherwise.
 */
export function actorOptionFor(ds: Dataset, actorId: string | null): string | undefined {
  if (actorId === defaultActorId(ds)) return undefined;
  return actorId ?? ANY_ACTOR;
}

/**
 * The actor a stored filter counts (a digest subscription's): null is the default (the focus actor),
 * 'any' every actor (null as a query's actor id), anything else that actor.
 */
export function actorOfFilter(ds: Dataset, filter: string | null | undefined): string | null {
  if (filter == null) return defaultActorId(ds);
  return isAnyActor(filter) ? null : filter;
}
