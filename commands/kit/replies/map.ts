import type { Dataset } from '../../../src/core/dataset.ts';
import type { MapLayout } from '../../../src/render/map-svg.ts';
import type { ReplyPayload } from '../payload.ts';
import { countLine, pictureReply, type PictureSubject } from '../picture-reply.ts';

/** /map: the picture, and a summary saying what it shows (also its alt text). */
export function mapReply(ds: Dataset, subject: PictureSubject, layout: MapLayout, png: Buffer): ReplyPayload {
  const { result, label, who, period } = subject;
  // Counted as the picture counts them: distinct locations, before nearby ones share a marker.
  let locations = 0;
  let approx = 0;
  for (const m of layout.markers) {
    locations += m.locations;
    if (m.approximate) approx += m.locations;
  }
  const biggest = [...layout.markers].sort((a, b) => b.value - a.value)[0];
  const most =
    biggest && biggest.value > 0
      ? `; most killed or injured ${biggest.label
          .replace(/^\d+ locations around /, 'around ')
          .replace(/:.*$/, '')
          .replace(/^(?!around )/, 'at ')}`
      : '';
  const summary =
    `Map of incidents${who} in ${label}, ${period}: ${countLine(result)}, at ${locations.toLocaleString('en-US')} location${locations === 1 ? '' : 's'}` +
    `${approx ? ` (${approx.toLocaleString('en-US')} known only to an area: a province, district, country, road, river, border or lake)` : ''}${most}.`;
  return pictureReply(ds, { fileName: 'map.png', png, title: `Incidents in ${label}${who}`, summary, result, boundaries: true });
}
