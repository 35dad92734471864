import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, loadConfig, parseConfig, type Config } from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';
import { runCli } from '../support/cli-process.js';

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
    [
      { replication: { target_base: 'tank/replicas@x' } },
      /replication\.target_base must be a valid ZFS dataset name such as "tank\/replicas", got "tank\/replicas@x"/,
    ],
    [{ replication: { target_base: 7 } }, /replication\.target_base must be a dataset name such as "tank\/replicas", got 7/],
    [{ zfs: { compression: 'fast' } }, /zfs\.compression must be a ZFS compression value/],
    [{ zfs: { auto_create_datasets: 'yes' } }, /zfs\.auto_create_datasets must be true or false, got "yes"/],
    [{ zfz: {} }, /zfz is not a known key/],
    [{ state_dir: 'run' }, /state_dir must be an absolute path/],
    [[], /must be a JSON object/],
  ];
  for (const [raw, pattern] of cases) {
    assert.throws(
      () => parseConfig(raw, '/etc/x.json'),
      (e: unknown) => e instanceof UsageError && pattern.test(e.message) && e.message.startsWith('config /etc/x.json: '),
    );
  }
});

test('replication.target_base: absent by default, a dataset name when set', () => {
  assert.equal(DEFAULT_CONFIG.replication.target_base, undefined);
  assert.equal(parseConfig({ replication: { target_base: 'tank/replicas' } }).replication.target_base, 'tank/replicas');
  assert.equal(parseConfig({ replication: { target_base: 'tank/replicas' } }).replication.path, 'auto', 'the other key keeps its default');
});

test('broken JSON is reported with the file name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-cfg-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, '{"zfs": {"quota": "1G",}}');
  await assert.rejects(loadConfig(file), (e: unknown) => e instanceof UsageError && e.message.startsWith(`config ${file} is not valid JSON`));
});

/** Parses config text as loadConfig does (JSON.parse keeps "__proto__" as an own key). */
function parseText(text: string): Config {
  return parseConfig(JSON.parse(text), '/etc/x.json');
}

const OBJECT_NAMES = ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

test('keys named like Object.prototype members are unknown keys, at the top level and inside sections', () => {
  for (const name of OBJECT_NAMES) {
    for (const value of ['{}', '1', '"x"', 'null']) {
      const top = `{${JSON.stringify(name)}: ${value}}`;
      assert.throws(
        () => parseText(top),
        (e: unknown) =>
          e instanceof UsageError &&
          e.message ===
            `config /etc/x.json: ${name} is not a known key (expected one of zfs, checkpoint, runner, log, state_dir, journal_dir, lxc, pve, nodes, ssh_config, ssh, replication, container, criu, ui)` &&
          e.hint === `fix ${name} in /etc/x.json (see README, "Configuration")`,
        top,
      );
      const inner = `{"checkpoint": {${JSON.stringify(name)}: ${value}}}`;
      assert.throws(
        () => parseText(inner),
        (e: unknown) =>
          e instanceof UsageError &&
          e.message === `config /etc/x.json: checkpoint.${name} is not a known key (expected one of max_snapshots, retention_days, auto_cleanup, min_keep)`,
        inner,
      );
    }
  }
});

test('a config naming Object.prototype members leaves the result and Object.prototype untouched', () => {
  const config = parseText('{"zfs": {"quota": "5G"}, "state_dir": "/s"}');
  assert.equal(Object.getPrototypeOf(config), Object.prototype);
  assert.deepEqual(Object.keys(config), Object.keys(DEFAULT_CONFIG));
  assert.equal(config.zfs.quota, '5G');
  assert.equal(config.state_dir, '/s');
  assert.equal(DEFAULT_CONFIG.zfs.quota, 'none');
  assert.throws(() => parseText('{"__proto__": {"polluted": true}}'), UsageError);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('timeouts are refused beyond the range of a Node timer (2^31-1 ms), naming the key and the range', () => {
  const cases: Array<[string, number, RegExp]> = [
    [
      'runner.timeout_seconds',
      2147484,
      /^config \/etc\/x\.json: runner\.timeout_seconds must be an integer from 1 to 2147483 \(seconds; Node's timers hold at most 2147483 s\), got 2147484$/,
    ],
    ['runner.long_timeout_seconds', 1e12, /runner\.long_timeout_seconds must be an integer from 1 to 2147483 .*, got 1000000000000$/],
    ['ui.refresh_seconds', 3000000, /ui\.refresh_seconds must be an integer from 1 to 2147483 /],
    // the shutdown waits this long plus 30 s on a timer
    ['container.shutdown_timeout_seconds', 2147454, /container\.shutdown_timeout_seconds must be an integer from 0 to 2147453 /],
    ['runner.timeout_seconds', 0, /runner\.timeout_seconds must be an integer from 1 to 2147483 .*, got 0$/],
    ['runner.timeout_seconds', 1.5, /runner\.timeout_seconds must be an integer from 1 to 2147483 .*, got 1.5$/],
  ];
  for (const [key, value, pattern] of cases) {
    const [sectionName, name] = key.split('.') as [string, string];
    assert.throws(
      () => parseConfig({ [sectionName]: { [name]: value } }, '/etc/x.json'),
      (e: unknown) => e instanceof UsageError && pattern.test(e.message) && !e.message.includes('\n'),
      key,
    );
  }
  const ok = parseConfig({
    runner: { timeout_seconds: 2147483, long_timeout_seconds: 2147483 },
    ui: { refresh_seconds: 2147483 },
    container: { shutdown_timeout_seconds: 2147453 },
  });
  assert.equal(ok.runner.timeout_seconds, 2147483);
  assert.equal(ok.container.shutdown_timeout_seconds, 2147453);
});

test('messages stay on one line and short whatever value is echoed', () => {
  assert.throws(
    () => parseConfig({ state_dir: 'a\nb' }, '/etc/x.json'),
    (e: unknown) => e instanceof UsageError && e.message === 'config /etc/x.json: state_dir must be an absolute path, got "a\\nb"',
  );
  assert.throws(
    () => parseConfig({ zfs: 'x'.repeat(500) }, '/etc/x.json'),
    (e: unknown) =>
      e instanceof UsageError &&
      /^config \/etc\/x\.json: zfs must be an object with keys base_dataset, auto_create_datasets, compression, quota, got "x+\.\.\.$/.test(e.message) &&
      e.message.length < 200,
  );
});

test('the CLI refuses a config with "__proto__" (exit 2, one line naming the key)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-cfg-'));
  for (const [text, key] of [
    ['{"__proto__": {}}', '__proto__'],
    ['{"zfs": {"__proto__": {}}}', 'zfs.__proto__'],
    ['{"toString": 1}', 'toString'],
    ['{"ui": {"hasOwnProperty": 1}}', 'ui.hasOwnProperty'],
  ] as const) {
    const file = join(dir, 'config.json');
    writeFileSync(file, text);
    const r = runCli(['--config', file, 'pool']);
    assert.equal(r.status, 2, `${text}: ${r.stderr}`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.ok(lines[0]!.startsWith(`error: config ${file}: ${key} is not a known key (expected one of `), lines[0]);
    assert.equal(lines[1], `hint: fix ${key} in ${file} (see README, "Configuration")`);
  }
});
