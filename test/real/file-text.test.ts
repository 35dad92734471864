import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { runMain } from '../support/in-process-cli.js';
import { TEMP_MOUNT_DIR } from '../../src/core/ops/temp-clones.js';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';

/* `diff --file` on zfs-fuse: both checkpoints read through temporary clones, destroyed after. */

let pool: TestPool;
before(() => {
  pool = createTestPool('ftext', '256M');
});
after(() => pool?.destroy());

const mountOf = (id: string) => sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', `${pool.base}/${id}`]).trim();

/** The CLI in this process: exit code, stdout and stderr. */
const cli = (...args: string[]) => runMain(pool.configFile, args);

async function checkpoint(id: string): Promise<string> {
  const r = await cli('checkpoint', id, '--json');
  assert.equal(r.code, 0, r.err);
  return (JSON.parse(r.out) as { checkpoints: Array<{ name: string }> }).checkpoints[0]!.name;
}

function leftovers(): string[] {
  const datasets = sh('zfs', ['list', '-H', '-t', 'all', '-o', 'name', '-r', pool.pool])
    .split('\n')
    .filter((n) => n.includes('lxcri-tmp-'));
  const dirs = existsSync(TEMP_MOUNT_DIR) ? readdirSync(TEMP_MOUNT_DIR).filter((d) => d.startsWith(`${pool.pool}+`)) : [];
  return [...datasets, ...dirs];
}

test('diff --file between two checkpoints prints exactly the changed lines; no temporary clone is left', async () => {
  pool.container('txt', 'x');
  const mp = mountOf('txt');
  const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
  const before = lines.join('\n') + '\n';
  writeFileSync(`${mp}/app.conf`, before);
  writeFileSync(`${mp}/blob`, Buffer.from([1, 0, 2]));
  const a = await checkpoint('txt');
  lines[9] = 'line 10 changed';
  const after = [...lines, 'line 21'].join('\n') + '\n';
  writeFileSync(`${mp}/app.conf`, after);
  writeFileSync(`${mp}/new.txt`, 'hello\n');
  const b = await checkpoint('txt');

  const r = await cli('diff', 'txt', a, b, '--file', '/app.conf');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.out.split('\n'), [
    `txt /app.conf: ${a} (${before.length}B) -> ${b} (${after.length}B), +2 -1 lines`,
    `--- ${a}:/app.conf`,
    `+++ ${b}:/app.conf`,
    '@@ -7,7 +7,7 @@',
    ' line 7',
    ' line 8',
    ' line 9',
    '-line 10',
    '+line 10 changed',
    ' line 11',
    ' line 12',
    ' line 13',
    '@@ -18,3 +18,4 @@',
    ' line 18',
    ' line 19',
    ' line 20',
    '+line 21',
  ]);
  assert.deepEqual(leftovers(), [], 'no temporary clone or mount directory is left');

  // Added since A: every line added, from /dev/null.
  const added = await cli('diff', 'txt', a, b, '--file', 'new.txt', '--json');
  assert.equal(added.code, 0, added.err);
  const doc = JSON.parse(added.out) as { fromSize?: number; hunks: Array<{ lines: string[] }> };
  assert.deepEqual([doc.fromSize, doc.hunks[0]!.lines], [undefined, ['+hello']]);

  // A binary file is refused in one line saying so, and the clones are gone all the same.
  const bin = await cli('diff', 'txt', a, b, '--file', '/blob');
  assert.equal(bin.code, 1);
  assert.match(bin.err, new RegExp(`^error: /blob in ${a} of txt is binary \\(it holds NUL bytes\\)`));
  assert.deepEqual(leftovers(), []);
});
