/** Which incidents a command is about: /attacks, /map and /chart all select them the same way. */
export interface IncidentSelection {
  placeId: string;
  from: string | null;
  to: string | null;
  actorId: string | null;
}
