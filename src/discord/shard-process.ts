/**
 * The script each ShardingManager child runs (`node --import tsx src/discord/shard-process.ts`): one
 * client for the shard ids discord.js passes in SHARDS/SHARD_COUNT.
 */
import { startSingleProcess } from './run-bot.ts';

await startSingleProcess({ inShardingManager: true });
