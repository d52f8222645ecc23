import type { Actor, CasualtyGroup } from '../schema/index.ts';
import { slugify } from './slug.ts';

/** GED side names that are actors we already know (seed ids). */
export const KNOWN_GED_ACTORS: Record<string, string> = {
  IS: 'islamic-state',
  'Government of Iraq': 'iraqi-security-forces',
  'Government of Syria': 'syrian-army',
  'Government of United States of America': 'us-forces',
};

/** GED's name for the victims of one-sided violence; not an actor, a casualty group. */
export const CIVILIANS = 'Civilians';

export function isGovernment(side: string): boolean {
  return /^Government of /.test(side);
}

/** Which of our casualty groups a side's dead belong to. */
export function casualtyGroupOf(side: string): CasualtyGroup {
  if (side === CIVILIANS) return 'civilians';
  if (side === 'IS') return 'militants';
  if (isGovernment(side)) return 'security-forces';
  return 'armed-groups';
}

/** Assigns actor ids to GED sides: known actors keep their ids, the others get stable slugs. */
export class GedActors {
  private readonly idBySide = new Map<string, string>();
  private readonly created = new Map<string, Actor>();
  private readonly taken: Set<string>;

  constructor(existing: readonly Actor[]) {
    this.taken = new Set(existing.map((a) => a.id));
    for (const [side, id] of Object.entries(KNOWN_GED_ACTORS)) if (this.taken.has(id)) this.idBySide.set(side, id);
  }

  /**
   * The actor id for a side (null for Civilians). `gedId` is UCDP's actor id, used when the name
   * makes no usable slug (a coalition of many groups).
   */
  idFor(side: string, gedId: number): string | null {
    if (side === CIVILIANS) return null;
    const known = this.idBySide.get(side);
    if (known) return known;
    let id = slugify(side);
    if (!id || id.length > 40) id = `ged-actor-${gedId}`;
    if (this.taken.has(id)) id = `${id.slice(0, 50)}-ged-${gedId}`;
    this.taken.add(id);
    this.idBySide.set(side, id);
    this.created.set(id, {
      id,
      name: side,
      kind: isGovernment(side) ? 'state-forces' : 'armed-group',
      aliases: [],
      role: null,
      organisationId: null,
      description: `A party in UCDP GED 19.1 (UCDP actor id ${gedId}); name as UCDP gives it.${side.includes(', ') ? ' UCDP lists these groups together as one side.' : ''}`,
    });
    return id;
  }

  /** Actors created for GED sides, sorted by id. */
  createdActors(): Actor[] {
    return [...this.created.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }
}
