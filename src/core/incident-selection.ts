/** Which incidents a command is about: /attacks, /map and /chart all select them the same way. */
export interface IncidentSelection {
  placeId: string;
  from: string | null;
  to: string | null;
  /** The perpetrator or a party; null: any actor (all recorded violence). Defaults to the dataset's focus actor. */
  actorId: string | null;
}
