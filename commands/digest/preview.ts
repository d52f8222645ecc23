import { windowFor, type DigestWindow } from '../../src/core/digest/window.ts';
import { addDays, localDate } from '../../src/core/local-time.ts';
import { defineSubcommand } from '../kit/command.ts';
import { composeDigest } from '../kit/digest-message.ts';
import { digestActorFilter, digestActorOption, digestPlaceOption, zoneOrThrow } from '../kit/digest-input.ts';
import { option } from '../kit/options.ts';
import { previewReply } from '../kit/replies/digest.ts';
import { resolvePlaceOption } from '../kit/resolve-option.ts';
import { findDigestServices } from '../kit/services.ts';

export const preview = defineSubcommand({
  name: 'preview',
  description: "Today's digest, only for you; nothing is posted or recorded",
  options: {
    timezone: option.text({ description: "Zone to preview in (default: the server's digest zone, else UTC)", autocomplete: true, max: 64 }),
    place: digestPlaceOption("Only incidents in this place (default: the server's digest filter)"),
    actor: digestActorOption("Only incidents involving this actor (default: the server's digest filter, else the focus actor)"),
  },
  async handle(o, ctx) {
    const svc = findDigestServices(ctx);
    const guildId = ctx.invocation?.guildId ?? null;
    const stored = guildId && svc ? await svc.store.getSubscription(guildId) : null;
    const now = ctx.now();
    const timeZone = o.timezone ? zoneOrThrow(o.timezone) : (stored?.timeZone ?? 'UTC');
    const placeId = o.place ? resolvePlaceOption(ctx.dataset(), o.place) : (stored?.placeId ?? null);
    const actor = o.actor ? digestActorFilter(ctx.dataset(), o.actor) : (stored?.actorId ?? null);
    const today = localDate(now, timeZone);
    let window: DigestWindow;
    if (svc && stored) window = await windowFor(svc.store, stored, today, now.getTime());
    else {
      // No subscription (the console, or a server without one): as if the last digest ran 24 hours ago.
      const since = now.getTime() - 86_400_000;
      window = {
        day: addDays(today, -1),
        previousDay: addDays(today, -2),
        recordedIds: svc ? (await svc.store.seenLog()).between(since, now.getTime()) : [],
        at: now,
      };
    }
    return previewReply(composeDigest(ctx.dataset(), window, { placeId, actor }, timeZone), today, timeZone, stored !== null);
  },
});
