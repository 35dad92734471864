import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { claimDemoDir } from '../../src/demo/demo-dir.js';

// LXCRI_DEMO_DIR: an earlier demo's files there (a container moved to pve3, its journal) came back in the next demo
// as that one's (101 on pve1 and on pve3). Cleared when the demo made the directory; any other is refused as it is.

test('a directory an earlier demo made is cleared (but for the down-<node> switches); a new or empty one is taken', () => {
  const root = mkdtempSync(join(tmpdir(), 'lxcri-demo-dir-'));
  try {
    const fresh = join(root, 'new');
    claimDemoDir(fresh);
    assert.deepEqual(readdirSync(fresh), ['.lxcri-demo']);
    mkdirSync(join(fresh, 'pve', 'nodes', 'pve3', 'lxc'), { recursive: true });
    writeFileSync(join(fresh, 'pve', 'nodes', 'pve3', 'lxc', '101.conf'), 'hostname: db\n');
    writeFileSync(join(fresh, 'down-pve3'), '');
    claimDemoDir(fresh);
    assert.deepEqual(readdirSync(fresh).sort(), ['.lxcri-demo', 'down-pve3']);
    const switchOnly = join(root, 'switch');
    mkdirSync(switchOnly);
    writeFileSync(join(switchOnly, 'down-pve2'), '');
    claimDemoDir(switchOnly);
    assert.ok(existsSync(join(switchOnly, 'down-pve2')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a directory with files that are not a demo’s is refused with the reason, nothing in it touched', () => {
  const root = mkdtempSync(join(tmpdir(), 'lxcri-demo-dir-'));
  try {
    mkdirSync(join(root, 'pve', 'nodes', 'pve1', 'lxc'), { recursive: true });
    writeFileSync(join(root, 'pve', 'nodes', 'pve1', 'lxc', '100.conf'), 'hostname: web\n');
    writeFileSync(join(root, 'notes.txt'), 'mine');
    assert.throws(() => claimDemoDir(root), /LXCRI_DEMO_DIR .* holds files that are not a demo's \(notes\.txt, pve\)/);
    assert.ok(existsSync(join(root, 'pve', 'nodes', 'pve1', 'lxc', '100.conf')));
    assert.ok(existsSync(join(root, 'notes.txt')));
    assert.equal(existsSync(join(root, '.lxcri-demo')), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
