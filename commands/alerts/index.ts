import { ApplicationIntegrationType, InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import { placeChoices } from '../kit/choices.ts';
import { defineCommandGroup } from '../kit/command.ts';
import { off } from './off.ts';
import { set } from './set.ts';
import { status } from './status.ts';

export const alerts = defineCommandGroup({
  name: 'alerts',
  description: 'Newly published incidents posted at once in a channel, filtered by place and casualties',
  examples: ['/alerts set channel:#alerts place:diyala min_casualties:5 role:@alerts', '/alerts status', '/alerts off channel:#alerts'],
  registration: {
    // Who sees the command by default; set and off also check the member's permissions on every run.
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    dm_permission: false,
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  },
  subcommands: [set, status, off],
  autocomplete(focused, _options, ctx) {
    return focused.name === 'place' ? placeChoices(ctx.dataset(), focused.value) : [];
  },
});
