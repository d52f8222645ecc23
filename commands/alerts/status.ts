import { alertGuildOf } from '../kit/alert-input.ts';
import { defineSubcommand } from '../kit/command.ts';
import { alertStatusReply, describeAlertFilter } from '../kit/replies/alerts.ts';
import { getAlertServices } from '../kit/services.ts';

export const status = defineSubcommand({
  name: 'status',
  description: "This server's alert channels, their filters, and whether each is on",
  options: {},
  async handle(_o, ctx) {
    const { store, maxPerHour } = getAlertServices(ctx);
    const ds = ctx.dataset();
    // Outside a server (the console, `npm run ask`): every server's alerts in this store, for the operator.
    const guildId = ctx.invocation?.guildId;
    const stored = guildId ? await store.forGuild(alertGuildOf(ctx)) : await store.all();
    const subs = stored.map((sub) => ({ sub, filter: describeAlertFilter(sub, sub.placeId ? ds.gazetteer.label(sub.placeId) : 'everywhere') }));
    return alertStatusReply(subs, maxPerHour, guildId ? 'this server' : 'this store (all servers)');
  },
});
