/** The Discord runtime's public surface, for other features (the digest) and for tests. */
export { createBot, clientOptionsFor, INTENTS, PluginSetupError, type Bot, type BotOptions, type BotPlugin } from './bot.ts';
export { loadConfig, ConfigError, type BotConfig } from './config.ts';
export { createLogger, type Logger } from './logger.ts';
export { checkChannel, ownsGuild, shardForGuild, type ChannelCheck, type ChannelNeeds } from './channels.ts';
export { toReplyOptions, toUpdateOptions } from './reply-options.ts';
export { createInteractionRouter, flattenOptions, sanitizeChoices, isGoneInteractionError } from './router.ts';
export { deployCommands, describeDeploy } from './deploy-commands.ts';
