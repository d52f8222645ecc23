/**
 * The script each ShardingManager child runs (`node --import tsx src/discord/shard-process.ts`): one
 * client for the shard ids discord.js passes in SHARDS/SHARD_COUNT, wired by the app.
 */
import { startShardProcess } from '../app.ts';

await startShardProcess();
