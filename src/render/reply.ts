import { killedInjuredPhrase } from '../replies/format.ts';
import type { Dataset } from '../core/dataset.ts';
import type { IncidentPage } from '../core/query-incidents.ts';
import { makeReply, type ReplyPayload } from '../replies/payload.ts';
import { attributionFor, sourcesOf } from '../replies/source-line.ts';
import { BOUNDARY_ATTRIBUTION } from './boundaries.ts';
import { thousands } from './svg.ts';

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
