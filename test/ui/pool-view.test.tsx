import assert from 'node:assert/strict';
import { test } from 'node:test';
import { overlayBindings } from '../../src/app/bindings.js';
import { createDemoHost } from '../../src/demo/demo-host.js';
import { plain, renderConsole } from '../support/ui.js';

const GB = 1024 ** 3;

/** The demo host with `extra` more containers on ZFS (ids 200…), rendered at columns x rows. */
async function renderMany(extra: number, columns: number, rows: number, opts: { ascii?: boolean; theme?: string } = {}) {
  const host = await createDemoHost();
  for (let i = 0; i < extra; i++) {
    const vmid = String(200 + i);
    host.runner.containers.set(vmid, { vmid, name: `worker-${i}`, status: 'running', memory: 1024, rootfs: `local-zfs:subvol-${vmid}-disk-0` });
    host.runner.zfs.create(`rpool/data/subvol-${vmid}-disk-0`, (1 + (i % 7)) * 0.3 * GB, { refquota: String(16 * GB) });
  }
  // The pool keeps its demo level (near 80 %) with the new containers on it.
  host.runner.zfs.poolSize = Math.floor(host.runner.zfs.allocated() / 0.795);
  host.runner.writePveConfigs();
  return renderConsole({ ...opts, host, size: { columns, rows } });
}

const WIDTH = (s: string) => [...s].length;

for (const [columns, rows] of [
  [80, 24],
  [120, 34],
  [200, 60],
] as const) {
  for (const ascii of [false, true]) {
    // More containers than rows, whatever the size.
    const extra = Math.max(40, rows + 20);
    test(`pool view with ${extra + 8} containers at ${columns}x${rows}${ascii ? ' (ASCII)' : ''}: fits the frame, title, header and footer stay, one line per row, "↓ N more"`, async () => {
      const c = await renderMany(extra, columns, rows, { ascii });
      const onZfs = c.core.store.getState().world!.containers.filter((x) => x.dataset && !x.reason).length;
      assert.ok(onZfs >= extra, `${onZfs} containers on ZFS`);
      await c.command('pool');
      const f = plain(c.frame());
      const lines = f.split('\n');
      assert.ok(lines.length <= rows - 1, `${lines.length} lines for a ${rows}-row terminal:\n${f}`);
      for (const l of lines) assert.ok(WIDTH(l) <= columns, `line wider than ${columns}: ${JSON.stringify(l)}`);
      assert.match(lines[0]!, /^lxcri-console {2}pve-demo/, 'the header line is the first');
      assert.equal(lines.filter((l) => /Pools {2}\(Esc to close\)/.test(l)).length, 1, `the title once:\n${f}`);
      assert.match(f, /rpool {2}ONLINE .*free/);
      assert.doesNotMatch(f, /freefree|free[a-z]/, `no line is drawn over another:\n${f}`);
      // The table's column header, then one line per container (no separator lines between rows).
      const header = lines.findIndex((l) => /^\s*id\s+name\s+used\s+snapshots\s+dataset\s+checkpoints\s*$/.test(l));
      assert.ok(header > 0, `the table header:\n${f}`);
      const more = lines.findIndex((l) => /↓ \d+ more|v \d+ more/.test(l));
      assert.ok(more > header, `how many rows are hidden:\n${f}`);
      const shown = lines.slice(header + 1, more).filter((l) => /^\s*\d{3}\s/.test(l));
      assert.equal(shown.length, more - header - 1 - (lines[header + 1]!.match(/^[-─\s]+$/) ? 1 : 0), `one line per row:\n${f}`);
      assert.ok(shown.length >= 1);
      const hidden = Number(/(\d+) more/.exec(lines[more]!)![1]);
      assert.equal(shown.length + hidden, onZfs, 'shown + hidden = every container on ZFS');
      // Biggest first: the rows shown are the largest.
      assert.match(shown[0]!, /^\s*101\s+db\s/);
      // The footer stays the last line.
      assert.match(lines.at(-1)!, /Esc close/, 'the footer says how to scroll and close the view');
      if (ascii) assert.doesNotMatch(f, /[╭╮╰╯│─●◉◆├↓]/);
      await c.command('close', overlayBindings('pool'));
      assert.match(plain(c.frame()), new RegExp(`Containers \\(${extra + 8}\\)`));
      c.unmount();
    });
  }
}

test('pool view with few containers: every row, no "more" line', async () => {
  const c = await renderMany(0, 120, 40);
  await c.command('pool');
  const f = plain(c.frame());
  assert.doesNotMatch(f, /more/);
  for (const id of ['100', '101', '102', '103', '104', '105', '106']) assert.match(f, new RegExp(`^\\s*${id}\\s`, 'm'));
  assert.doesNotMatch(f, /^\s*107\s/m, 'the container not on ZFS is not in the space table');
  c.unmount();
});
