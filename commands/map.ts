import { z } from 'zod';
import type { CommandModule } from './kit/command.ts';
import { resolveSelection, selectionOptionDefinitions, selectionOptionShapes } from './kit/incident-selection.ts';
import { parseOptions } from './kit/options.ts';
import { actorChoices, placeChoices } from './kit/choices.ts';
import { GROUP_LABEL } from '../src/core/format.ts';
import type { ReplyPayload } from './kit/payload.ts';
import { renderMap } from '../src/render/map.ts';
import { countLine, pictureReply } from './kit/picture-reply.ts';
import { pictureSubject } from '../src/render/selection.ts';

const Options = z.object({
  ...selectionOptionShapes,
});

export const map: CommandModule = {
  definition: {
    name: 'map',
    description: 'A map of the incidents in a place, as a picture',
    options: [
      selectionOptionDefinitions.place,
      selectionOptionDefinitions.from,
      selectionOptionDefinitions.to,
      selectionOptionDefinitions.actor,
    ],
  },
  examples: ['/map place:syria', '/map place:iraq from:2017 to:2017', '/map place:diyala from:2019-07 to:2019-08'],
  defer: true,
  async handle(raw, ctx): Promise<ReplyPayload> {
    const o = parseOptions(Options, raw);
    const ds = ctx.dataset();
    const resolved = resolveSelection(ds, o, ctx.now());
    if ('reply' in resolved) return resolved.reply;
    const picked = pictureSubject(ds, resolved.selection, 'map');
    if ('reply' in picked) return picked.reply;
    const { sel, result, label, actorName, who, period } = picked.subject;

    const { layout, png } = await renderMap(ds, { ...sel, placeLabel: label, actorName, groupLabels: GROUP_LABEL }, result);
    // Counted as the picture counts them: distinct locations, before nearby ones share a marker.
    let locations = 0;
    let approx = 0;
    for (const m of layout.markers) {
      locations += m.locations;
      if (m.approximate) approx += m.locations;
    }
    const biggest = [...layout.markers].sort((a, b) => b.value - a.value)[0];
    const most = biggest && biggest.value > 0 ? `; most killed or injured ${biggest.label.replace(/^\d+ locations around /, 'around ').replace(/:.*$/, '').replace(/^(?!around )/, 'at ')}` : '';
    const summary =
      `Map of incidents${who} in ${label}, ${period}: ${countLine(result)}, at ${locations.toLocaleString('en-US')} location${locations === 1 ? '' : 's'}` +
      `${approx ? ` (${approx.toLocaleString('en-US')} known only to an area: province, district or country)` : ''}${most}.`;
    return pictureReply(ds, { fileName: 'map.png', png: png.data, title: `Incidents in ${label}${who}`, summary, result, boundaries: true });
  },
  autocomplete(focused, _options, ctx) {
    const ds = ctx.dataset();
    return focused.name === 'actor' ? actorChoices(ds, focused.value) : placeChoices(ds, focused.value);
  },
};
