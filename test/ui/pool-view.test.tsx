import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SPACE_BINDINGS } from '../../src/app/bindings.js';
import { forecastPool, growthPoints, reclaimPoints } from '../../src/core/model/forecast.js';
import { createDemoHost } from '../../src/demo/demo-host.js';
import { forecastText } from '../../src/present/space-view.js';
import { formatBytes } from '../../src/present/units.js';
import { plain, renderConsole } from '../support/ui.js';

const GB = 1024 ** 3;
const WIDTH = (s: string) => [...s].length;

/** The demo host with `extra` more containers on ZFS (ids 200…), rendered at columns x rows. */
async function renderMany(extra: number, columns: number, rows: number, opts: { ascii?: boolean; theme?: string; readOnly?: boolean } = {}) {
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

type Console = Awaited<ReturnType<typeof renderConsole>>;

const space = (c: Console, id: Parameters<Console['command']>[0]) => c.command(id, SPACE_BINDINGS);
const lines = (c: Console) => plain(c.frame()).split('\n');
/** The row under the cursor (the `▸`/`>` gutter). */
const cursorLine = (c: Console) => lines(c).find((l) => /^[▸>]/.test(l));
/** The container ids of the rows shown, in order (the containers level). */
const containerRows = (c: Console) => lines(c).flatMap((l) => /^[ ▸>](\d{3})\s/.exec(l)?.[1] ?? []);
/** The containers on ZFS, as the world in memory has them (the listing's own figures: `used` over the family). */
const onZfs = (c: Console) => c.core.store.getState().world!.containers.filter((x) => x.dataset && !x.reason);

/** Frame checks at every step: inside the terminal, one line per row, the footer last. */
function fits(c: Console, columns: number, rows: number, what: string): void {
  const f = plain(c.frame());
  const ls = f.split('\n');
  assert.ok(ls.length <= rows - 1, `${what}: ${ls.length} lines for a ${rows}-row terminal:\n${f}`);
  for (const l of ls) assert.ok(WIDTH(l) <= columns, `${what}: line wider than ${columns}: ${JSON.stringify(l)}`);
  assert.match(ls[0]!, /^lxcri-console {2}pve-demo/, `${what}: the header line is the first:\n${f}`);
  assert.match(ls.at(-1)!, /Esc\/q close/, `${what}: the footer stays the last line:\n${f}`);
}

test('P opens the pools level: every pool with its health, capacity, free space and forecast; zpool status gives state, scrub and errors', async () => {
  const c = await renderConsole({ size: { columns: 100, rows: 30 } });
  await c.command('pool');
  const f = plain(c.frame());
  const world = c.core.store.getState().world!;
  const [status] = await c.core.poolStatus();
  assert.match(f, /Space: pools {3}sort: size/);
  for (const p of world.pools) assert.match(f, new RegExp(`^[▸ ]${p.name}\\s+${p.health}\\s.*${p.capacity}%.*${formatBytes(p.free)} free`, 'm'));
  assert.match(f, new RegExp(`^${status!.pool}: ${status!.state}$`, 'm'), `the state from zpool status:\n${f}`);
  assert.ok(f.includes(`scan: ${status!.scan}`), `the last scrub:\n${f}`);
  assert.ok(f.includes(`errors: ${status!.errors}`), `the errors line:\n${f}`);
  // The forecast: from the listing's `written` per snapshot and events.log, as of the world's read.
  const now = Math.floor(world.refreshedAt / 1000);
  const pool = world.pools[0]!;
  const forecast = forecastPool(
    [...growthPoints(world.inventory, pool.name, now), ...reclaimPoints(c.core.store.getState().events, pool.name)],
    pool.free,
    now,
  );
  assert.equal(forecast.kind, 'growing', 'the demo pool grows (its running containers write every day)');
  assert.ok(f.includes(forecastText(forecast)), `the forecast in full:\n${f}`);
  assert.match(f, /growth: \+[\d.]+[KMG]\/day over the last [\d.]+ days \(\d+ data points\): pool full in ~\d+ days/);
  assert.match(cursorLine(c)!, /full in ~\d+ days/);
  c.unmount();
});

test('zpool status is read once when the view opens; moving, going in and out and sorting run no process', async () => {
  const c = await renderConsole();
  const zpoolStatus = () => c.core.store.getState().commandLog.filter((e) => e.argv[0] === 'zpool' && e.argv[1] === 'status').length;
  assert.equal(zpoolStatus(), 0);
  await c.command('pool');
  assert.equal(zpoolStatus(), 1);
  const before = c.core.store.getState().commandLog.length;
  for (const id of ['open', 'down', 'open', 'open', 'down', 'back', 'sort', 'back', 'up', 'back'] as const) await space(c, id);
  assert.equal(c.core.store.getState().commandLog.length, before, 'keys in the view cost no process');
  await space(c, 'refresh');
  assert.equal(zpoolStatus(), 2, 'a refresh while the view is open reads zpool status again');
  c.unmount();
});

test('Enter goes into a pool: its containers biggest first, with totals from the listing and a breakdown bar; s sorts by name, then age, then size', async () => {
  const c = await renderConsole({ size: { columns: 100, rows: 30 } });
  await c.command('pool');
  await space(c, 'open');
  const f = plain(c.frame());
  assert.match(f, /Space: pools › rpool {3}sort: size/);
  const zfs = onZfs(c);
  const bySize = [...zfs].sort((a, b) => b.used - a.used).map((x) => x.id);
  assert.deepEqual(containerRows(c), bySize, `biggest first:\n${f}`);
  for (const x of zfs) {
    assert.match(
      f,
      new RegExp(`^[ ▸]${x.id}\\s+${x.name}\\s+${formatBytes(x.used).replace('.', '\\.')}\\s+[█▓▒░▞]+\\s+${x.checkpoints + x.safety + x.foreign}$`, 'm'),
    );
  }
  assert.doesNotMatch(f, /^[ ▸]107\s/m, 'the container not on ZFS has no space row');
  assert.match(cursorLine(c)!, new RegExp(`^▸${bySize[0]}\\s`));
  // The legend for the row under the cursor.
  assert.match(f, /█ live [\d.]+[BKMG] {2}▓ own [\d.]+[BKMG] {2}▒ shared [\d.]+[BKMG] {2}░ branches [\d.]+[BKMG] {2}▞ images 0B/);

  await space(c, 'sort');
  assert.match(plain(c.frame()), /sort: name/);
  const byName = [...zfs].sort((a, b) => a.name.localeCompare(b.name)).map((x) => x.id);
  assert.deepEqual(containerRows(c), byName, `by name:\n${plain(c.frame())}`);
  assert.match(cursorLine(c)!, new RegExp(`^▸${bySize[0]}\\s`), 'the cursor stays on the same container');

  await space(c, 'sort');
  assert.match(plain(c.frame()), /sort: age/);
  const newest = (id: string) => zfs.find((x) => x.id === id)!.latestCheckpoint?.creation ?? -Infinity;
  const shown = containerRows(c);
  for (let i = 1; i < shown.length; i++) assert.ok(newest(shown[i - 1]!) >= newest(shown[i]!), `newest checkpoint first: ${shown.join(' ')}`);
  assert.equal(shown[0], '100', 'web has the newest checkpoint (2 hours old)');

  await space(c, 'sort');
  assert.deepEqual(containerRows(c), bySize, 'back to biggest first');
  c.unmount();
});

test("Enter on a container shows its lines and the breakdown words, with the listing's figures: live, checkpoints' own, shared, branches, images", async () => {
  const c = await renderConsole({ size: { columns: 100, rows: 30 } });
  await c.command('pool');
  await space(c, 'open');
  // db (101): two branches from its restores.
  const target = onZfs(c).find((x) => x.branches > 0)!;
  while (!new RegExp(`^▸${target.id}\\s`).test(cursorLine(c) ?? '')) await space(c, 'down');
  await space(c, 'open');
  const f = plain(c.frame());
  assert.match(f, new RegExp(`Space: pools › rpool › ${target.id} ${target.name} {3}sort: size`));
  const inv = c.core.store.getState().world!.inventory;
  const live = inv.get(target.dataset!)!;
  const own = inv.snapshotsOf(target.dataset!).reduce((n, s) => n + s.used, 0);
  const expected: Array<[string, number]> = [
    ['live data', live.usedbydataset!],
    ["checkpoints' own space", own],
    ['shared between checkpoints \\(freed only when all holding it go\\)', live.usedbysnapshots! - own],
    ['branches', target.used - live.used],
    ['CRIU images', 0],
    ['total', target.used],
  ];
  for (const [words, bytes] of expected) assert.match(f, new RegExp(`^. ${words}\\s+${formatBytes(bytes).replace('.', '\\.')}$`, 'm'), `${words}:\n${f}`);
  // The live line and each branch, one row each.
  assert.match(f, new RegExp(`^[▸ ]live\\s+${target.dataset!.split('/').at(-1)}\\s`, 'm'));
  assert.equal(f.split('\n').filter((l) => /^[▸ ]branch\s/.test(l)).length, target.branches);
  c.unmount();
});

test('Backspace goes back out with the cursor on the row it went in from; at the checkpoints, Enter shows the checkpoint in the tree', async () => {
  const c = await renderConsole({ size: { columns: 100, rows: 30 } });
  await c.command('pool');
  await space(c, 'open');
  await space(c, 'down');
  await space(c, 'down');
  const third = cursorLine(c)!;
  const id = /^▸(\d{3})/.exec(third)![1]!;
  await space(c, 'open');
  assert.match(plain(c.frame()), new RegExp(`› ${id} `));
  await space(c, 'back');
  assert.equal(cursorLine(c), third, 'the cursor is back on the third container');
  await space(c, 'back');
  assert.match(cursorLine(c)!, /^▸rpool\s/);
  await space(c, 'back');
  assert.match(plain(c.frame()), /Space: pools /, 'Backspace at the top stays there');

  // Down to the checkpoints of the web container's live line, newest first.
  await space(c, 'open');
  while (!/^▸100\s/.test(cursorLine(c) ?? '')) await space(c, 'down');
  await space(c, 'open');
  await space(c, 'open');
  let f = plain(c.frame());
  assert.match(f, /Space: pools › rpool › 100 web › subvol-100-disk-0/);
  assert.match(f, /^ date\s+age\s+used\s+written\s+checkpoint$/m);
  assert.match(f, /used: freed by deleting it alone/);
  await space(c, 'sort');
  await space(c, 'sort');
  await space(c, 'top');
  f = plain(c.frame());
  assert.match(f, /sort: age/);
  assert.match(cursorLine(c)!, /"before nginx 1\.27"/, `the newest checkpoint first:\n${f}`);
  await space(c, 'open');
  f = plain(c.frame());
  assert.equal(c.controller.ui.getState().mode, 'normal');
  assert.equal(c.controller.ui.getState().selected, '100');
  assert.equal(c.controller.ui.getState().focus, 'tree');
  const row = c.controller.cursorRow();
  assert.equal(row?.node.kind === 'snapshot' ? row.node.label : undefined, 'before nginx 1.27', 'the tree cursor is on that checkpoint');
  // P again: the view opens at the top, in the order chosen.
  await c.command('pool');
  assert.match(plain(c.frame()), /Space: pools {3}sort: age/);
  await space(c, 'close');
  assert.equal(c.controller.ui.getState().mode, 'normal');
  c.unmount();
});

for (const [columns, rows] of [
  [80, 24],
  [120, 34],
] as const) {
  test(`${columns}x${rows}, 48 containers: every container is reachable by scrolling, the frame never leaves the terminal, "more" hints say what is hidden`, async () => {
    const c = await renderMany(40, columns, rows);
    await c.command('pool');
    fits(c, columns, rows, 'pools');
    await space(c, 'open');
    fits(c, columns, rows, 'containers');
    const all = onZfs(c).map((x) => x.id);
    assert.equal(all.length, 47);
    const first = containerRows(c);
    assert.ok(first.length < all.length, 'fewer rows than containers');
    const more = lines(c).find((l) => /^↓ \d+ more$/.test(l));
    assert.ok(more, `how many are hidden:\n${plain(c.frame())}`);
    assert.equal(first.length + Number(/\d+/.exec(more)![0]), all.length, 'shown + hidden = every container on the pool');
    const seen = new Set<string>();
    for (let i = 0; i < all.length; i++) {
      seen.add(/^▸(\d{3})/.exec(cursorLine(c)!)![1]!);
      await space(c, 'down');
      fits(c, columns, rows, `after ${i + 1} down`);
    }
    assert.deepEqual([...seen].sort(), [...all].sort(), 'the cursor went over every container');
    await space(c, 'top');
    await space(c, 'bottom');
    const last = [...onZfs(c)].sort((a, b) => b.used - a.used || (a.id < b.id ? 1 : -1)).at(-1)!;
    assert.match(cursorLine(c)!, /^▸\d{3}\s/);
    assert.ok(
      lines(c).some((l) => /^↑ \d+ more$/.test(l)),
      'the hint above',
    );
    assert.doesNotMatch(plain(c.frame()), /↓ \d+ more/, 'nothing hidden below the last row');
    assert.equal(containerRows(c).at(-1), /^▸(\d{3})/.exec(cursorLine(c)!)![1], 'the last row is the cursor');
    assert.ok(
      onZfs(c).every((x) => x.used >= last.used),
      'the smallest at the bottom',
    );
    await space(c, 'page-up');
    fits(c, columns, rows, 'page up');
    await space(c, 'open');
    fits(c, columns, rows, 'lines');
    await space(c, 'open');
    fits(c, columns, rows, 'checkpoints');
    c.unmount();
  });
}

test('ASCII mode: every level of the space view is plain ASCII, in the no-color theme too', async () => {
  for (const theme of ['dark', 'no-color']) {
    const c = await renderConsole({ ascii: true, theme });
    await c.command('pool');
    const check = (what: string) => assert.doesNotMatch(plain(c.frame()), /[^\x00-\x7f]/, `${theme} ${what}:\n${plain(c.frame())}`);
    check('pools');
    assert.match(plain(c.frame()), /^>rpool\s+ONLINE\s+#+-* \d+%/m);
    await space(c, 'open');
    check('containers');
    assert.match(plain(c.frame()), /# live [\d.]+[BKMG] {2}= own/);
    await space(c, 'open');
    check('lines');
    assert.match(plain(c.frame()), /Space: pools > rpool > \d{3} /);
    await space(c, 'open');
    check('checkpoints');
    c.unmount();
  }
});

test('read-only: the space view opens and drills down, and changes nothing', async () => {
  const c = await renderConsole({ readOnly: true });
  await c.command('pool');
  await space(c, 'open');
  await space(c, 'open');
  assert.match(plain(c.frame()), /live data/);
  assert.ok(
    c.core.store.getState().commandLog.every((e) => !e.mutates),
    'no command that changes anything ran',
  );
  c.unmount();
});
