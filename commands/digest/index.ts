import { ApplicationIntegrationType, InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import { actorChoices, placeChoices } from '../kit/choices.ts';
import { defineCommandGroup } from '../kit/command.ts';
import { timeZoneChoices } from '../kit/digest-input.ts';
import { off } from './off.ts';
import { preview } from './preview.ts';
import { set } from './set.ts';
import { status } from './status.ts';

export const digest = defineCommandGroup({
  name: 'digest',
  description: 'A daily digest of incidents, posted in a channel of this server at a local time',
  examples: [
    '/digest set channel:#news time:08:00 timezone:Asia/Baghdad',
    '/digest set channel:#news time:07:30 timezone:Europe/London place:syria',
    '/digest set channel:#news time:08:00 timezone:Asia/Baghdad place:diyala actor:IS',
    '/digest status',
    '/digest preview',
    '/digest off',
  ],
  registration: {
    // Who sees the command by default; set and off also check the member's permissions on every run.
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    dm_permission: false,
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  },
  subcommands: [set, status, preview, off],
  autocomplete(focused, _options, ctx) {
    if (focused.name === 'place') return placeChoices(ctx.dataset(), focused.value);
    if (focused.name === 'actor') return actorChoices(ctx.dataset(), focused.value);
    if (focused.name === 'timezone') return timeZoneChoices(focused.value);
    return [];
  },
});
