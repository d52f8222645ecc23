import { nextRun } from '../../src/core/digest/due.ts';
import { localDate } from '../../src/core/local-time.ts';
import { defineSubcommand } from '../kit/command.ts';
import { digestFilterLabel, guildOf } from '../kit/digest-input.ts';
import { statusReply } from '../kit/replies/digest.ts';
import { getDigestServices } from '../kit/services.ts';

export const status = defineSubcommand({
  name: 'status',
  description: 'Channel, time, zone, filter, last delivery and next run',
  options: {},
  async handle(_o, ctx) {
    const { store } = getDigestServices(ctx);
    const guildId = guildOf(ctx);
    const sub = await store.getSubscription(guildId);
    const last = await store.lastDelivery(guildId);
    if (!sub) return statusReply(null, last, null, '');
    const now = ctx.now();
    const todayDone = last?.localDate === localDate(now, sub.timeZone) && last.status !== 'retry';
    return statusReply(sub, last, nextRun(sub, now, todayDone), digestFilterLabel(ctx.dataset(), sub.placeId, sub.actorId));
  },
});
