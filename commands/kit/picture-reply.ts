import { killedInjuredPhrase } from '../../src/core/format.ts';
import type { Dataset } from '../../src/core/dataset.ts';
import type { IncidentPage } from '../../src/core/query-incidents.ts';
import { makeReply, type ReplyPayload } from './payload.ts';
import { attributionFor, sourcesOf } from './source-line.ts';
import { BOUNDARY_ATTRIBUTION } from '../../src/render/boundaries.ts';
import { thousands } from '../../src/render/svg.ts';
import type { IncidentSelection } from '../../src/core/incident-selection.ts';
import { periodLabel, selectIncidents } from '../../src/render/selection.ts';

/** Discord's limit on an attachment's description (its alt text). */
const ALT_MAX = 1024;

/**
 * A picture reply: one embed showing the PNG (attachment://<name>), a one-line summary as the message
 * text for screen readers, the same words as the attachment's alt text, and the sources in the footer.
 */
export function pictureReply(
  ds: Dataset,
  opts: { fileName: string; png: Buffer; title: string; summary: string; description?: string; result: IncidentPage; boundaries: boolean },
): ReplyPayload {
  // Every source behind the totals, not only those of the incidents drawn.
  const sources = attributionFor(ds, [...sourcesOf(opts.result.incidents), ...opts.result.sourceIds]);
  return makeReply({
    content: opts.summary,
    embeds: [
      {
        title: opts.title,
        ...(opts.description ? { description: opts.description } : {}),
        image: { url: `attachment://${opts.fileName}` },
        footer: { text: `Sources: ${sources}${opts.boundaries ? ` · ${BOUNDARY_ATTRIBUTION}` : ''}` },
      },
    ],
    files: [{ name: opts.fileName, data: opts.png, description: opts.summary.length <= ALT_MAX ? opts.summary : `${opts.summary.slice(0, ALT_MAX - 1)}…` }],
  });
}

/** "12 incidents: 30 killed, 5 injured (known figures; 3 incidents leave some open)" */
export function countLine(result: IncidentPage): string {
  const w = result.withoutFigures;
  const open = w ? `; ${thousands(w)} incident${w === 1 ? ' leaves' : 's leave'} some figures open` : '';
  return `${thousands(result.total)} incident${result.total === 1 ? '' : 's'}: ${killedInjuredPhrase(result)} (known figures${open})`;
}

/** Everything a picture command needs about its incidents before drawing: what, where, who, when. */
export interface PictureSubject {
  sel: IncidentSelection;
  result: IncidentPage;
  label: string;
  actorName: string | null;
  /** " involving the Islamic State"; " (all recorded violence)" for any actor when the dataset has a focus actor. */
  who: string;
  period: string;
}

/** Selects the incidents of a picture, with the words that describe them. */
export function pictureSubject(ds: Dataset, sel: IncidentSelection): PictureSubject {
  const result = selectIncidents(ds, sel);
  const label = ds.gazetteer.label(sel.placeId);
  // What is counted, in the words titles use: the focus actor by its declared name; "all recorded violence" for any actor.
  const focus = ds.focus;
  const actorName = sel.actorId ? (focus && focus.actorId === sel.actorId ? focus.name : ds.actorName(sel.actorId)) : focus ? 'all recorded violence' : null;
  const who = sel.actorId ? ` involving ${actorName}` : focus ? ' (all recorded violence)' : '';
  return { sel, result, label, actorName, who, period: periodLabel(sel, result.incidents) };
}

/** The answer when a picture would be empty (an empty picture says nothing); `what` is "map" or "chart". */
export function nothingToDraw(s: PictureSubject, what: string): ReplyPayload {
  return makeReply({ content: `No incidents${s.who} in ${s.label} for ${s.period}: nothing to ${what}. Try a wider date range or a larger place.` });
}
