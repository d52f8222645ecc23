/** SHARD_COUNT and SHARD_IDS: which shards this machine runs, validated at start-up. */
import { describe, expect, test } from 'vitest';
import { ConfigError, loadAppConfig, loadConfig, ownShardIds, parseShardIds } from '../src/config.ts';
import { buildShardingManager } from '../src/discord/sharding.ts';

const BASE = { DISCORD_TOKEN: 'x'.repeat(40), DISCORD_APPLICATION_ID: '123456789012345678' };

const problem = (env: Record<string, string>): string => {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return '(accepted)';
};

describe('SHARD_IDS', () => {
  test.each([
    ['0-3', [0, 1, 2, 3]],
    ['0,2', [0, 2]],
    ['4-5, 0 ,1', [0, 1, 4, 5]],
    ['2,2,1-2', [1, 2]],
    ['7', [7]],
  ])('%s means shards %o', (text, ids) => {
    expect(parseShardIds(text)).toEqual(ids);
  });

  test('unset: every shard of SHARD_COUNT; set: only those', () => {
    const all = loadConfig({ ...BASE, SHARD_COUNT: '4' });
    expect(all.shardIds).toBeUndefined();
    expect(ownShardIds(all)).toEqual([0, 1, 2, 3]);
    const half = loadConfig({ ...BASE, SHARD_COUNT: '4', SHARD_IDS: '2-3' });
    expect(half.shardIds).toEqual([2, 3]);
    expect(ownShardIds(half)).toEqual([2, 3]);
    expect(ownShardIds(loadConfig(BASE))).toEqual([0]);
    // Empty, as in a copied .env.example: unset.
    expect(loadConfig({ ...BASE, SHARD_IDS: '' }).shardIds).toBeUndefined();
  });

  test.each([
    [{ SHARD_COUNT: '4', SHARD_IDS: 'all' }, /SHARD_IDS must list shard numbers or ranges, such as 0-3 or 0,2 \(got "all"\)/],
    [{ SHARD_COUNT: '4', SHARD_IDS: '0-' }, /SHARD_IDS must list shard numbers or ranges/],
    [{ SHARD_COUNT: '4', SHARD_IDS: '-1' }, /SHARD_IDS must list shard numbers or ranges/],
    [{ SHARD_COUNT: '4', SHARD_IDS: '0,,1' }, /SHARD_IDS must list shard numbers or ranges/],
    [{ SHARD_COUNT: '4', SHARD_IDS: '3-1' }, /SHARD_IDS has a range that runs backwards: "3-1" \(write 1-3\)/],
    [{ SHARD_COUNT: '4', SHARD_IDS: '2-5' }, /SHARD_IDS names shard 4, 5, but SHARD_COUNT is 4 \(shards 0-3\)/],
    [{ SHARD_IDS: '1' }, /SHARD_IDS names shard 1, but SHARD_COUNT is 1 \(shards 0-0\)/],
  ])('a bad value is named with what is wrong: %o', (env, message) => {
    expect(problem(env)).toMatch(message);
  });

  test('the offline console checks it too (same schema), so a bad .env is caught before going online', () => {
    expect(() => loadAppConfig({ SHARD_COUNT: '2', SHARD_IDS: '2' })).toThrow(/SHARD_IDS names shard 2/);
  });

  test("the ShardingManager spawns only this machine's shards, out of SHARD_COUNT in all", () => {
    const m = buildShardingManager(loadConfig({ ...BASE, SHARD_COUNT: '6', SHARD_IDS: '3-5' }));
    expect(m.totalShards).toBe(6);
    expect(m.shardList).toEqual([3, 4, 5]);
    expect(buildShardingManager(loadConfig({ ...BASE, SHARD_COUNT: '3' })).shardList).toEqual([0, 1, 2]);
  });
});
