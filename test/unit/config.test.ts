import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, loadConfig, parseConfig } from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';

test('defaults: tank/containers, 10 snapshots, 30 days', async () => {
  assert.equal(DEFAULT_CONFIG.zfs.base_dataset, 'tank/containers');
  assert.equal(DEFAULT_CONFIG.checkpoint.max_snapshots, 10);
  assert.equal(DEFAULT_CONFIG.checkpoint.retention_days, 30);
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-cfg-'));
  await assert.rejects(loadConfig(join(dir, 'missing.json')), /cannot read config/);
});

test('the seed format merges over the defaults', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-cfg-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ zfs: { base_dataset: 'rpool/ct', quota: '20G' }, checkpoint: { max_snapshots: 5, auto_cleanup: true } }));
  const { config, found } = await loadConfig(file);
  assert.equal(found, true);
  assert.equal(config.zfs.base_dataset, 'rpool/ct');
  assert.equal(config.zfs.compression, 'lz4');
  assert.equal(config.checkpoint.max_snapshots, 5);
  assert.equal(config.checkpoint.retention_days, 30);
});

test('errors name the key and the expected value', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ checkpoint: { max_snapshots: 0 } }, /checkpoint\.max_snapshots must be an integer >= 1, got 0/],
    [{ checkpoint: { max_snapshot: 3 } }, /checkpoint\.max_snapshot is not a known key \(expected one of max_snapshots/],
    [{ zfs: { base_dataset: 'tank//x' } }, /zfs\.base_dataset must be a valid ZFS dataset name/],
    [{ zfs: { compression: 'fast' } }, /zfs\.compression must be a ZFS compression value/],
    [{ zfs: { auto_create_datasets: 'yes' } }, /zfs\.auto_create_datasets must be true or false, got "yes"/],
    [{ zfz: {} }, /zfz is not a known key/], [{ state_dir: 'run' }, /state_dir must be an absolute path/],
    [[], /must be a JSON object/],
  ];
  for (const [raw, pattern] of cases) {
    assert.throws(() => parseConfig(raw, '/etc/x.json'), (e: unknown) => e instanceof UsageError && pattern.test(e.message) && e.message.startsWith('config /etc/x.json: '));
  }
});

test('broken JSON is reported with the file name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-cfg-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, '{"zfs": {"quota": "1G",}}');
  await assert.rejects(loadConfig(file), (e: unknown) => e instanceof UsageError && e.message.startsWith(`config ${file} is not valid JSON`));
});
