import { NotFoundError } from '../src/core/user-error.ts';
import { findRelatedIncidents } from '../src/core/related-incidents.ts';
import { incidentChoices } from './kit/choices.ts';
import { defineCommand } from './kit/command.ts';
import { echo } from './kit/echo.ts';
import { option } from './kit/options.ts';
import { incidentReply } from './kit/replies/incident.ts';

export const incident = defineCommand({
  name: 'incident',
  description: 'One incident in full, with its source sentences',
  examples: ['/incident id:diyala-police-2019-08-22'],
  options: {
    id: option.text({ description: 'Incident id (start typing a date, place or word)', required: true, autocomplete: true, max: 64 }),
  },
  handle(o, ctx) {
    const ds = ctx.dataset();
    const inc = ds.incident(o.id.trim().toLowerCase());
    if (!inc) {
      const close = incidentChoices(ds, o.id).slice(0, 5);
      throw new NotFoundError(
        `There is no incident "${echo(o.id)}".` +
          (close.length ? ` Close matches: ${close.map((c) => `\`${c.value}\``).join(', ')}.` : ' Use /attacks to find incident ids.'),
      );
    }
    // The event's other records: the primary it is counted under, or the reports linked to it (sameEventAs).
    const primary = ds.incidents.countedAs(inc.id);
    const sameEvent = primary && primary.id !== inc.id ? { primary, also: [] } : { primary: null, also: ds.incidents.alsoReported(inc.id) };
    const linked = new Set([primary?.id, ...sameEvent.also.map((r) => r.id)]);
    const related = findRelatedIncidents(ds, inc).filter((r) => !linked.has(r.id));
    return incidentReply(ds, inc, related, sameEvent);
  },
  autocomplete(focused, _o, ctx) {
    return incidentChoices(ctx.dataset(), focused.value);
  },
});
