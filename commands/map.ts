import { GROUP_LABEL } from '../src/core/format.ts';
import { renderMap } from '../src/render/map.ts';
import { actorChoices, placeChoices } from './kit/choices.ts';
import { defineCommand } from './kit/command.ts';
import { resolveSelection, selectionOptions } from './kit/incident-selection.ts';
import { nothingToDraw, pictureSubject } from './kit/picture-reply.ts';
import { mapReply } from './kit/replies/map.ts';

export const map = defineCommand({
  name: 'map',
  description: 'A map of the incidents in a place, as a picture',
  examples: ['/map place:syria', '/map place:iraq from:2017 to:2017', '/map place:diyala from:2019-07 to:2019-08'],
  defer: true,
  options: selectionOptions,
  async handle(o, ctx) {
    const ds = ctx.dataset();
    const subject = pictureSubject(ds, resolveSelection(ds, o, ctx.now()));
    if (subject.result.total === 0) return nothingToDraw(subject, 'map');
    const { sel, result, label, actorName } = subject;
    const { layout, png } = await renderMap(ds, { ...sel, placeLabel: label, actorName, groupLabels: GROUP_LABEL }, result);
    return mapReply(ds, subject, layout, png.data);
  },
  autocomplete(focused, _options, ctx) {
    const ds = ctx.dataset();
    return focused.name === 'actor' ? actorChoices(ds, focused.value) : placeChoices(ds, focused.value);
  },
});
