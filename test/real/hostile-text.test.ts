import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestPool, sh, type TestPool } from '../support/real-pool.js';
import { runCliOnPty } from '../support/pty.js';

const LABEL = 'x\x1b]0;pwned\x07y\x1b[2J\x9b31m\x08\x7fz';
/** What the label must not put on the terminal: ESC, BEL, BS, DEL, C1 (the CLI itself writes none of these either). */
const ACTIVE = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]/;

let pool: TestPool;
before(() => {
  pool = createTestPool('ht');
  pool.container('ct');
  sh('zfs', ['snapshot', `${pool.base}/ct@checkpoint-1`]);
  // Set with zfs directly, as anyone with zfs rights could: the console's own --label is not the only way in.
  sh('zfs', ['set', `lxcri:label=${LABEL}`, `${pool.base}/ct@checkpoint-1`]);
});
after(() => pool?.destroy());

test('tree on a terminal: a label holding escape sequences is shown escaped, never acted on', () => {
  const r = runCliOnPty(['tree', 'ct', '--config', pool.configFile]);
  assert.equal(r.status, 0, r.output);
  assert.doesNotMatch(r.output, ACTIVE, JSON.stringify(r.output));
  assert.ok(r.output.includes('"x\\x1b]0;pwned\\x07y\\x1b[2J\\x9b31m\\x08\\x7fz"'), JSON.stringify(r.output));
});

test('tree --json on a terminal: parses, holds the raw label, and writes no raw DEL or C1', () => {
  const r = runCliOnPty(['tree', 'ct', '--json', '--config', pool.configFile]);
  assert.equal(r.status, 0, r.output);
  assert.doesNotMatch(r.output, ACTIVE, JSON.stringify(r.output));
  const tree = JSON.parse(r.output.replace(/\r\n/g, '\n')) as { nodes: Array<{ name: string; label?: string }> };
  assert.equal(tree.nodes.find((n) => n.name === 'checkpoint-1')?.label, LABEL);
});

test('an error echoing a hostile container id is one line with the escapes made visible', () => {
  const r = runCliOnPty(['tree', 'a\x1b[2J\nb\x9b', '--config', pool.configFile]);
  assert.equal(r.status, 2, r.output);
  assert.doesNotMatch(r.output, ACTIVE, JSON.stringify(r.output));
  const lines = r.output.split('\r\n').filter(Boolean);
  assert.equal(lines.length, 2, JSON.stringify(r.output));
  assert.equal(lines[0], "error: invalid container id 'a\\x1b[2J\\nb\\x9b'");
  assert.match(lines[1]!, /^hint: /);
});
