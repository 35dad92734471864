import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import stringWidth from 'string-width';
import { Inventory } from '../../src/core/model/inventory.js';
import { ClusterCore } from '../../src/core/nodes/cluster-core.js';
import { renderConsole } from '../support/ui.js';

const containersPane = (frame: string) =>
  frame
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => /^│[ ▸]?(\d{3}) +(pve\d) /.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[2]}:${m[1]}`);

test('a cluster: every node in the containers pane with its NODE, each node pool in the header; N shows one node at a time, then all again', async () => {
  const t = await renderConsole({ cluster: true, size: { columns: 160, rows: 40 } });
  try {
    const f = t.frame();
    assert.match(f, /pve1:rpool .* pve2:rpool .* pve3:rpool/);
    assert.match(f, /ID +NODE +NAME/);
    const all = containersPane(f);
    assert.ok(all.includes('pve1:100') && all.includes('pve2:200') && all.includes('pve3:301'), all.join(' '));
    await t.command('nodes');
    assert.ok(
      containersPane(t.frame()).every((c) => c.startsWith('pve1:')),
      t.frame(),
    );
    assert.match(t.frame(), /node pve1/);
    await t.command('nodes');
    assert.deepEqual(containersPane(t.frame()), ['pve2:200', 'pve2:201', 'pve2:202']);
    await t.command('nodes');
    await t.command('nodes');
    assert.deepEqual(containersPane(t.frame()), all, 'back to every node');
  } finally {
    t.unmount();
  }
});

test("a checkpoint from the console lands on the container's own node (ground truth: that node's listing), not on pve1", async () => {
  const t = await renderConsole({ cluster: true, size: { columns: 160, rows: 40 } });
  try {
    await t.command('nodes');
    await t.command('nodes'); // pve2 only: the cursor is on 200
    await t.command('checkpoint');
    await t.type('on pve2');
    await t.press('\r');
    const cluster = (t.core as ClusterCore).cluster;
    const pve2 = await cluster.node('pve2').core.refresh();
    const snaps = pve2.inventory.snapshotsOf('rpool/data/subvol-200-disk-0');
    assert.equal(snaps.at(-1)?.user.label, 'on pve2', snaps.map((s) => s.name).join(' '));
    const pve1 = await cluster.node('pve1').core.refresh();
    assert.equal(pve1.inventory.get('rpool/data/subvol-200-disk-0'), undefined, 'pve1 has no such dataset');
    assert.match(t.frame(), /"on pve2"/);
  } finally {
    t.unmount();
  }
});

test('a node that goes away: UNREACHABLE in the header, the others stay live, and its pane says ssh’s reason', async () => {
  const t = await renderConsole({ cluster: true, size: { columns: 160, rows: 40 } });
  const down = join(t.host.dir, 'down-pve3');
  try {
    writeFileSync(down, '');
    await t.controller.refresh();
    await t.settle();
    const f = t.frame();
    assert.match(f, /pve3 UNREACHABLE/);
    assert.ok(containersPane(f).includes('pve2:200'), 'pve2 still listed');
    assert.ok(!containersPane(f).some((c) => c.startsWith('pve3:')), f);
    for (let i = 0; i < 3; i++) await t.command('nodes');
    assert.match(t.frame(), /pve3 is unreachable: ssh: connect to host 10\.0\.0\.3 port 22: Connection timed out/);
  } finally {
    rmSync(down, { force: true });
    t.unmount();
  }
});

test("the space view in a cluster: every node's pool, and going into one shows that node's containers from its own listing", async () => {
  const t = await renderConsole({ cluster: true, size: { columns: 160, rows: 40 } });
  try {
    await t.command('pool');
    const f = t.frame();
    for (const pool of ['pve1:rpool', 'pve2:rpool', 'pve3:rpool']) assert.ok(f.includes(pool), `${pool} in\n${f}`);
    t.controller.ui.setState({ space: { path: ['pve2:rpool'], cursor: 0, sort: 'name' } });
    await t.settle();
    const inPve2 = t.frame();
    for (const name of ['proxy', 'grafana', 'backup-test']) assert.ok(inPve2.includes(name), `${name} in\n${inPve2}`);
    assert.ok(!inPve2.includes(' web '), 'no pve1 container under pve2');
  } finally {
    t.unmount();
  }
});

test("what a remote node cannot do is disabled with the reason: a stateful checkpoint of pve2's container", async () => {
  const t = await renderConsole({ cluster: true, size: { columns: 160, rows: 40 } });
  try {
    await t.command('nodes');
    await t.command('nodes'); // pve2 only: the cursor is on 200 (running)
    await t.command('checkpoint-stateful');
    assert.equal(t.controller.ui.getState().mode, 'normal', 'no dialog opened');
    assert.match(t.frame(), /stateful checkpoints run on this machine's node only .* pve2 is another node/);
  } finally {
    t.unmount();
  }
});

test('s on a container previews its replication to another node (what would be sent), Tab picks another node, Esc leaves everything as it was', async () => {
  const t = await renderConsole({ cluster: true, size: { columns: 160, rows: 40 } });
  try {
    await t.command('replicate');
    assert.equal(t.controller.ui.getState().dialog?.kind, 'replicate');
    let f = t.frame();
    assert.match(f, /Replicate 100 to pve2/);
    assert.match(f, /replicate 100 from pve1 to pve2: \d+ step\(s\)/);
    assert.match(f, /send rpool\/data\/subvol-100-disk-0@checkpoint-\d+ in full/);
    await t.dialogCommand('switch');
    f = t.frame();
    assert.match(f, /Replicate 100 to pve3/);
    await t.dialogCommand('close');
    assert.equal(t.controller.ui.getState().dialog, undefined);
    const cluster = (t.core as ClusterCore).cluster;
    const pve2 = await cluster.node('pve2').core.refresh();
    assert.equal(pve2.inventory.get('rpool/data/subvol-100-disk-0'), undefined, 'nothing was sent');
  } finally {
    t.unmount();
  }
});

test('M on a container shows the move pre-flight and plan; Enter without the typed id moves nothing, Tab picks another node, Esc leaves it', async () => {
  const t = await renderConsole({ cluster: true, size: { columns: 160, rows: 40 } });
  try {
    await t.command('move');
    assert.equal(t.controller.ui.getState().dialog?.kind, 'move');
    let f = t.frame();
    assert.match(f, /Move 100 to pve2/);
    assert.match(f, /pre-flight on pve2:/);
    assert.match(f, /ok {2}id 100 free there/);
    assert.match(f, /move 100 \(\w+\) from pve1 to pve2, with its whole checkpoint tree:/);
    assert.match(f, /remove 100 from pve1/);
    assert.match(f, /type 100 then Enter to move/);
    await t.dialogCommand('confirm');
    assert.equal(t.controller.ui.getState().dialog?.kind, 'move', 'not typed: the dialog stays');
    assert.match(t.frame(), /type 100 to confirm the move/);
    await t.dialogCommand('switch');
    f = t.frame();
    assert.match(f, /Move 100 to pve3/);
    await t.dialogCommand('close');
    assert.equal(t.controller.ui.getState().dialog, undefined);
    const cluster = (t.core as ClusterCore).cluster;
    const pve2 = await cluster.node('pve2').core.refresh();
    assert.equal(pve2.inventory.get('rpool/data/subvol-100-disk-0'), undefined, 'nothing was sent');
  } finally {
    t.unmount();
  }
});

test("the console's file reads and file restores run on the container's own node (diff, text diff, files, restore-file)", async () => {
  const t = await renderConsole({ cluster: true, size: { columns: 160, rows: 40 } });
  try {
    const core = t.core as ClusterCore;
    const pve2 = core.cluster.node('pve2').core;
    const calls: string[] = [];
    // pve2's own core answers (the demo has no files to read): what matters is which node is asked, and with which id.
    const answer =
      (what: string) =>
      async (id: string, ...rest: unknown[]) => {
        calls.push(`${what} ${id} ${rest.filter((r) => typeof r === 'string').join(' ')}`);
        return { container: id } as never;
      };
    Object.assign(pve2, {
      diff: answer('diff'),
      diffFile: answer('diffFile'),
      files: answer('files'),
      planRestoreFile: answer('planRestoreFile'),
      restoreFile: answer('restoreFile'),
    });
    assert.equal((await core.diff('pve2:200', 'a', 'b')).container, 'pve2:200');
    assert.equal((await core.diffFile('200', 'a', undefined, '/etc/hosts')).container, '200');
    await core.files('pve2:200', 'a', '/etc');
    await core.planRestoreFile('pve2:200', 'a', '/etc/hosts');
    await core.restoreFile('pve2:200', 'a', '/etc/hosts', { confirmed: true });
    assert.deepEqual(calls, [
      'diff 200 a b',
      'diffFile 200 a /etc/hosts',
      'files 200 a /etc',
      'planRestoreFile 200 a /etc/hosts',
      'restoreFile 200 a /etc/hosts',
    ]);
  } finally {
    t.unmount();
  }
});

test('the tree marks a checkpoint another node also holds (the same guid in its listing, whatever its name there): @pve2, at 80x24 and wide', async () => {
  for (const size of [
    { columns: 80, rows: 24 },
    { columns: 160, rows: 40 },
  ]) {
    const t = await renderConsole({ cluster: true, size });
    try {
      assert.doesNotMatch(t.frame(), /@pve\d/, 'nothing is replicated yet');
      // pve2's listing gains a replica of 100's first checkpoint, under a target base (replication.target_base).
      const world = t.core.store.getState().world!;
      const first = world.nodes!.find((n) => n.name === 'pve1')!.world!.inventory.snapshotsOf('rpool/data/subvol-100-disk-0')[0]!;
      const copy = { ...first, name: first.name.replace('rpool/data/', 'rpool/replicas/') };
      const nodes = world.nodes!.map((n) =>
        n.name === 'pve2' ? { ...n, world: { ...n.world!, inventory: new Inventory([...n.world!.inventory.records, copy]) } } : n,
      );
      t.core.store.setState({ world: { ...world, nodes } });
      await t.settle();
      const f = t.frame().replace(/\x1b\[[0-9;]*m/g, '');
      const marked = f.split('\n').filter((l) => l.includes('@pve2'));
      assert.equal(marked.length, 1, f);
      // In the marks column when there is room, else before the label (whose end a narrow pane cuts).
      assert.match(marked[0]!, size.columns > 80 ? /"fresh install" +@pve2 *│$/ : /@pve2 "fresh install/, `${size.columns}: ${marked[0]}`);
      for (const l of f.split('\n')) assert.ok(stringWidth(l) <= size.columns, `${size.columns}: ${l}`);
    } finally {
      t.unmount();
    }
  }
});

test('O on a checkpoint brings it up on another node as a new container: the plan first (at 80x24, Tab another node), y runs it; ground truth on both nodes', async () => {
  const t = await renderConsole({ cluster: true, size: { columns: 80, rows: 24 }, treeOrder: 'newest' });
  try {
    const cluster = (t.core as ClusterCore).cluster;
    const before = (await cluster.node('pve1').core.refresh()).inventory.snapshotsOf('rpool/data/subvol-100-disk-0');
    await t.command('next-pane');
    await t.command('down');
    assert.equal(t.controller.ui.getState().focus, 'tree');
    await t.command('restore-on', undefined, 'tree');
    assert.equal(t.controller.ui.getState().dialog?.kind, 'restore-on');
    let f = t.frame().replace(/\x1b\[[0-9;]*m/g, '');
    assert.match(f, /Bring checkpoint-\d+ of 100 up on pve2/);
    assert.match(f, /up on pve2 as a new\s*║\s*║ +container 108 \(100 on pve1 is not touched\)/);
    assert.match(f, /pve2 lacks it: replicate first/);
    for (const l of f.split('\n')) assert.ok(stringWidth(l) <= 80, l);
    await t.dialogCommand('switch');
    f = t.frame();
    assert.match(f, /up on pve3/);
    await t.dialogCommand('confirm');
    for (let i = 0; i < 200 && !/as 108 on pve3: done|failed/.test(t.frame()); i++) {
      await new Promise((res) => setTimeout(res, 50));
      await t.settle();
    }
    assert.match(t.frame(), /copy of 100 \(checkpoint-\d+\) as 108 on pve3: done/);
    const pve3 = await cluster.node('pve3').core.refresh();
    const copy = pve3.inventory.get('rpool/data/subvol-108-disk-0');
    assert.ok(copy?.origin?.startsWith('rpool/data/subvol-100-disk-0@checkpoint-'), `a clone of the replicated checkpoint: ${copy?.origin}`);
    assert.ok(containersPane(t.frame()).includes('pve3:108') || (await cluster.refresh()).containers.some((c) => c.node === 'pve3' && c.summary.id === '108'));
    const after = (await cluster.node('pve1').core.refresh()).inventory.snapshotsOf('rpool/data/subvol-100-disk-0');
    assert.deepEqual(
      after.map((s) => s.guid),
      before.map((s) => s.guid),
      'the original is untouched',
    );
  } finally {
    t.unmount();
  }
});

test('O: confirmed after the plan went stale (its id taken meanwhile on another node), the new plan is shown and nothing runs', async () => {
  const t = await renderConsole({ cluster: true, size: { columns: 160, rows: 40 }, treeOrder: 'newest' });
  try {
    await t.command('next-pane');
    await t.command('down');
    await t.command('restore-on', undefined, 'tree');
    assert.match(t.frame(), /as a new container 108/);
    // Meanwhile a guest 108 appears on pve3 (its config in pve3's directory of /etc/pve).
    writeFileSync(join(t.host.dir, 'pve', 'nodes', 'pve3', 'lxc', '108.conf'), 'hostname: other\nmemory: 512\nrootfs: local-zfs:subvol-108-disk-0,size=8G\n');
    await t.dialogCommand('confirm');
    const d = t.controller.ui.getState().dialog;
    assert.equal(d?.kind, 'restore-on', 'still open');
    assert.match(t.frame(), /the plan changed since it was shown/);
    assert.match(t.frame(), /as a new container 109/);
    const pve2 = await (t.core as ClusterCore).cluster.node('pve2').core.refresh();
    assert.equal(pve2.inventory.get('rpool/data/subvol-108-disk-0'), undefined, 'nothing ran');
    assert.equal(pve2.inventory.get('rpool/data/subvol-100-disk-0'), undefined, 'not even the replication');
  } finally {
    t.unmount();
  }
});

test('s with containers marked: one preview for each (107 says why it cannot go), y replicates the others one after another; ground truth on pve3', async () => {
  const t = await renderConsole({ cluster: true, size: { columns: 120, rows: 40 } });
  try {
    // 100 (selected), then 101, then 107 (no ZFS dataset), each marked with Space.
    await t.command('mark-container');
    await t.command('down');
    await t.command('mark-container');
    for (let i = 0; i < 6; i++) await t.command('down');
    await t.command('mark-container');
    assert.deepEqual(t.controller.ui.getState().marks, ['100', '101', '107']);
    await t.command('replicate');
    await t.dialogCommand('switch');
    const d = t.controller.ui.getState().dialog;
    assert.equal(d?.kind, 'replicate');
    let f = t.frame().replace(/\x1b\[[0-9;]*m/g, '');
    assert.match(f, /Replicate 3 containers to pve3/);
    assert.match(f, /2 of 3 marked container\(s\) to replicate, one after another/);
    assert.match(f, /replicate 100 from pve1 to pve3/);
    // The dialog scrolls: the rest of the text is further down.
    const text = (await import('../../src/app/dialogs/index.js')).dialogModule(d!).lines!(d!, 0).join('\n');
    assert.match(text, /replicate 101 from pve1 to pve3/);
    assert.match(text, /cannot replicate 107 to pve3: container 107 has no ZFS dataset/);
    await t.dialogCommand('confirm');
    for (let i = 0; i < 300 && !/replication of 100, 101 to pve3: done|failed/.test(t.frame()); i++) {
      await new Promise((res) => setTimeout(res, 50));
      await t.settle();
    }
    f = t.frame();
    assert.match(f, /replication of 100, 101 to pve3: done/);
    const cluster = (t.core as ClusterCore).cluster;
    const pve3 = await cluster.node('pve3').core.refresh();
    for (const ds of ['rpool/data/subvol-100-disk-0', 'rpool/data/subvol-101-disk-0']) {
      const guids = (inv: Inventory) => inv.snapshotsOf(ds).map((s) => s.guid);
      const pve1 = await cluster.node('pve1').core.refresh();
      assert.deepEqual(guids(pve3.inventory), guids(pve1.inventory), ds);
    }
  } finally {
    t.unmount();
  }
});

test('s with marks none of which can go: y says so instead of closing without a word', async () => {
  const t = await renderConsole({ cluster: true, size: { columns: 120, rows: 40 } });
  try {
    for (let i = 0; i < 7; i++) await t.command('down');
    await t.command('mark-container'); // 107: no ZFS dataset
    assert.deepEqual(t.controller.ui.getState().marks, ['107']);
    await t.command('up');
    await t.command('up');
    await t.command('mark-container'); // 105, then replicated below so it has nothing left to send
    await t.command('replicate');
    await t.dialogCommand('confirm');
    for (let i = 0; i < 200 && !/replication of 105 to pve2: done/.test(t.frame()); i++) {
      await new Promise((res) => setTimeout(res, 50));
      await t.settle();
    }
    await t.command('replicate');
    assert.equal(t.controller.ui.getState().dialog?.kind, 'replicate');
    await t.dialogCommand('confirm');
    assert.equal(t.controller.ui.getState().dialog?.kind, 'replicate', 'stays open');
    assert.match(t.frame(), /nothing to replicate: 1 up to date, 1 cannot go \(the preview says why\)/);
  } finally {
    t.unmount();
  }
});
