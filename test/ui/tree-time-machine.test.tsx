import assert from 'node:assert/strict';
import { test } from 'node:test';
import { READ_ONLY_KEY } from '../../src/app/bindings.js';
import { createUiStore } from '../../src/app/ui-store.js';
import type { TreeRow } from '../../src/core/model/tree-layout.js';
import { cmd } from '../../src/core/runner/command.js';
import { branchTitle, shortDate } from '../../src/present/tree-columns.js';
import { formatBytes } from '../../src/present/units.js';
import { plain, renderConsole } from '../support/ui.js';

type Console = Awaited<ReturnType<typeof renderConsole>>;

/** Ground truth: every dataset and snapshot of a container's family, as `zfs list -t all` prints them. */
async function family(c: Console, vmid: string): Promise<string[]> {
  const out = await c.core.ctx.runner.run(cmd('zfs', ['list', '-H', '-t', 'all', '-o', 'name']));
  return out.stdout
    .split('\n')
    .filter((n) => n.includes(`subvol-${vmid}-disk-0`))
    .sort();
}

/** The tree pane's lines: the right half of the top panes, from the title to the bottom border. */
function treeLines(frame: string): string[] {
  const lines = plain(frame).split('\n');
  const top = lines.findIndex((l) => l.includes('Checkpoints of'));
  const out: string[] = [];
  for (const l of lines.slice(top + 1)) {
    const right = l.slice(l.indexOf('││') + 2);
    if (/^[╰+]/.test(right)) break;
    out.push(right);
  }
  return out;
}

/** Moves the tree cursor down from the top until `pick` holds for its row (by keys, as a person would). */
async function cursorTo(c: Console, pick: (r: TreeRow) => boolean): Promise<TreeRow> {
  await c.command('top');
  for (let i = 0; i < 60 && !pick(c.controller.cursorRow()!); i++) await c.command('down');
  const row = c.controller.cursorRow()!;
  assert.ok(pick(row), 'the row was reached');
  return row;
}

/** Opens the tree of the container on the given row of the list (0 = web, 1 = db). */
async function openTree(c: Console, index: number): Promise<void> {
  for (let i = 0; i < index; i++) await c.command('down');
  await c.command('next-pane');
}

test('the console shows the tree newest first by default', () => {
  assert.equal(createUiStore().getState().treeNewestFirst, true);
});

for (const size of [
  { columns: 80, rows: 24 },
  { columns: 160, rows: 40 },
]) {
  test(`${size.columns} columns: a header matching the columns shown, every column aligned whatever the depth`, async () => {
    const c = await renderConsole({ size, treeOrder: 'newest' });
    await openTree(c, 1);
    const lines = treeLines(c.frame());
    const header = lines[0]!;
    const wide = size.columns >= 160;
    // At 80 columns the focused tree takes the room of the container list (layout.ts): the date, not what was written.
    assert.match(header, wide ? /DATE +AGE +USED +WRITTEN +LABEL/ : /DATE +AGE +USED +LABEL/);
    if (!wide) assert.doesNotMatch(header, /WRITTEN/, 'no header for a column not shown');
    const rows = lines.slice(1).filter((l) => /[●◆◌◉○]/.test(l));
    assert.ok(rows.length >= 5, lines.join('\n'));
    // Right-aligned sizes: each row's USED cell ends where the header's does, at every depth of the graph.
    const end = header.indexOf('USED') + 3;
    for (const r of rows) assert.match(r.slice(0, end + 2), /\S $/, `USED aligned in:\n${lines.join('\n')}`);
    const tree = c.controller.ui.getState().tree!;
    const schema = [...tree.nodes.values()].find((n) => n.label === 'schema v1')!;
    if (wide)
      assert.ok(
        lines.some((l) => l.includes(shortDate(schema.creation, Math.floor(Date.now() / 1000)))),
        'dates shown',
      );
    else assert.ok(rows.filter((l) => /\d\d [A-Z][a-z]{2} \d\d:\d\d/.test(l)).length >= 4, `dates shown:\n${lines.join('\n')}`);
    assert.ok(
      lines.some((l) => l.includes(wide ? 'set aside by the restore to' : 'set aside by')),
      'branches titled in words',
    );
    assert.doesNotMatch(lines.join('\n'), /lxcri-br-/, 'not by their dataset names');
    c.unmount();
  });
}

test('newest first: you are here on top, o shows oldest first; scrolled far away "you are here" stays on screen', async () => {
  const c = await renderConsole({ size: { columns: 80, rows: 24 }, treeOrder: 'newest' });
  await openTree(c, 1);
  let lines = treeLines(c.frame());
  assert.match(lines[1]!, /◉ +NOW +\S+ +<- you are here/, 'first row: where you are');
  await c.command('order');
  await c.command('top');
  lines = treeLines(c.frame());
  assert.match(lines[1]!, /"schema v1"/, 'oldest first: the first checkpoint on top');
  await c.command('order');
  await c.command('bottom');
  const f = plain(c.frame());
  assert.match(f, /"schema v1"/);
  assert.match(f, /↑ \d+ more {2}◉ you are here/, 'pinned where the hint is');
  c.unmount();
});

test('z folds the side branch under the cursor into one titled row, and unfolds it', async () => {
  const c = await renderConsole({ size: { columns: 160, rows: 40 }, treeOrder: 'newest' });
  await openTree(c, 1);
  const before = c.controller.treeRows().length;
  await cursorTo(c, (r) => r.line !== '' && r.node.kind === 'snapshot');
  await c.command('collapse');
  const folded = c.controller.treeRows().length;
  assert.ok(folded < before, 'fewer rows');
  assert.match(plain(c.frame()), new RegExp(`\\[\\+${before - folded} folded\\] set aside by the restore to`));
  assert.match(c.controller.cursorRow()!.node.kind, /now/, 'the cursor is on the folded row');
  await c.command('collapse');
  assert.equal(c.controller.treeRows().length, before);
  await c.command('top');
  await c.command('collapse');
  assert.match(plain(c.frame()), /the live line does not fold/);
  c.unmount();
});

test('Space and v mark checkpoints, the pane says what they free; D previews the set and deletes exactly it once confirmed', async () => {
  const c = await renderConsole({ size: { columns: 80, rows: 24 }, treeOrder: 'newest' });
  await openTree(c, 0);
  const before = await family(c, '100');
  await c.command('down');
  await c.command('mark');
  await c.command('down');
  await c.command('down');
  await c.command('mark-range');
  const marked = c.controller.ui.getState().treeMarks.map((id) => c.controller.ui.getState().tree!.nodes.get(id)!);
  assert.equal(marked.length, 3);
  const frees = formatBytes(marked.reduce((n, x) => n + x.used, 0));
  assert.ok(plain(c.frame()).includes(`3 marked, frees at least ${frees}`), plain(c.frame()));
  await c.command('delete-marked');
  let f = plain(c.frame());
  assert.match(f, /Delete 3 marked checkpoints of 100/);
  assert.match(f, /3 checkpoints of 100 go - frees [\d.]+\w; the live state is untouched/);
  assert.match(f, /'before nginx 1.27' \(\d+h ago, [\d.]+\w\)/, 'each named with its age and size');
  assert.doesNotMatch(f, /destroy rpool/, 'the zfs steps only when asked for');
  await c.dialogCommand('steps');
  for (const n of marked) assert.ok(plain(c.frame()).includes(`destroy ${n.fullName}`), plain(c.frame()));
  await c.dialogCommand('steps');
  assert.doesNotMatch(plain(c.frame()), /destroy rpool/);
  await c.dialogCommand('confirm');
  assert.match(plain(c.frame()), /type 100 to confirm/);
  await c.type('100');
  await c.dialogCommand('confirm');
  await c.controller.idle();
  f = plain(c.frame());
  assert.match(f, /delete of 3 checkpoint\(s\) of 100: done/);
  const after = await family(c, '100');
  assert.deepEqual(
    before.filter((n) => !after.includes(n)),
    marked.map((n) => n.fullName).sort(),
    'exactly the marked checkpoints are gone',
  );
  assert.equal(after.length, before.length - 3);
  c.unmount();
});

test("r on a branch's NOW offers to switch to it; d on it previews deleting the whole branch and runs once confirmed", async () => {
  const c = await renderConsole({ size: { columns: 120, rows: 34 }, treeOrder: 'newest' });
  await openTree(c, 1);
  const before = await family(c, '101');
  const tree = c.controller.ui.getState().tree!;
  // The branch set aside by the restore to 'before migration 42': nothing grew from it.
  const leaf = tree.branches.find(
    (b) => !b.active && b.origin?.endsWith(tree.nodes.get([...tree.nodes.values()].find((n) => n.label === 'before migration 42')!.id)!.name),
  )!;
  assert.ok(leaf, 'the demo has that branch');
  await cursorTo(c, (r) => r.node.kind === 'now' && r.node.dataset === leaf.dataset);
  await c.command('restore');
  let f = plain(c.frame());
  assert.match(f, /Switch 101 to another branch/);
  // The branch in words, as the tree titles it (not its dataset name), and a footer saying what Enter does.
  const title = branchTitle(tree, leaf.dataset, Math.floor(Date.now() / 1000));
  assert.match(title, /^set aside by the restore to "before migration 42" at /);
  assert.ok(f.replace(/[║│\s]+/g, ' ').includes(`-> disk switches to the branch ${title}`), f);
  assert.doesNotMatch(f, /disk switches to the branch lxcri-br-/);
  assert.match(f, /Enter switch {3}/);
  assert.doesNotMatch(f, /Enter undo/);
  await c.dialogCommand('close');
  assert.deepEqual(await family(c, '101'), before, 'closing changes nothing');

  // A branch another grew from is refused, in words, with nothing changed.
  const outer = tree.branches.find((b) => !b.active && b.dataset !== leaf.dataset)!;
  await cursorTo(c, (r) => r.node.kind === 'now' && r.node.dataset === outer.dataset);
  await c.command('delete');
  assert.match(plain(c.frame()), new RegExp(`${leaf.dataset} grew from`));
  assert.equal(c.controller.ui.getState().dialog, undefined);

  await cursorTo(c, (r) => r.node.kind === 'now' && r.node.dataset === leaf.dataset);
  await c.command('delete');
  f = plain(c.frame());
  assert.match(f, /The branch set aside by the restore to "before migration 42" at [^"]+ goes: its live state and 2\s/);
  assert.match(f, /'after migration 42' \(\d+w ago, [\d.]+\w\)/);
  await c.type('101');
  await c.dialogCommand('confirm');
  await c.controller.idle();
  const after = await family(c, '101');
  const gone = before.filter((n) => !after.includes(n));
  assert.ok(gone.includes(leaf.dataset), 'the branch dataset is gone');
  assert.ok(
    gone.every((n) => n === leaf.dataset || n.startsWith(`${leaf.dataset}@`)),
    `only it and its snapshots: ${gone.join(', ')}`,
  );
  assert.equal(gone.length, 3);
  c.unmount();
});

test('ASCII mode: the tree, its marks and the delete preview hold no non-ASCII byte', async () => {
  const c = await renderConsole({ size: { columns: 80, rows: 24 }, ascii: true, treeOrder: 'newest' });
  await openTree(c, 1);
  await c.command('down');
  await c.command('mark');
  let f = plain(c.frame());
  assert.match(f, /1 marked, frees at least /);
  assert.match(f, /x /, 'the mark in ASCII');
  assert.doesNotMatch(f, /[^\x00-\x7f]/);
  await c.command('bottom');
  f = plain(c.frame());
  assert.match(f, /\^ \d+ more {2}@ you are here/);
  assert.doesNotMatch(f, /[^\x00-\x7f]/);
  await c.command('delete-marked');
  f = plain(c.frame());
  assert.match(f, /Delete 1 marked checkpoint of 101/);
  assert.doesNotMatch(f, /[^\x00-\x7f]/);
  c.unmount();
});

test('read-only: marks are allowed; D, switching to a branch and deleting one are refused in words and change nothing', async () => {
  const c = await renderConsole({ readOnly: true, size: { columns: 120, rows: 34 }, treeOrder: 'newest' });
  await openTree(c, 1);
  const before = await family(c, '101');
  await c.command('down');
  await c.command('mark');
  assert.match(plain(c.frame()), /1 marked, frees at least /);
  await c.command('delete-marked');
  assert.ok(plain(c.frame()).includes(READ_ONLY_KEY), plain(c.frame()));
  assert.equal(c.controller.ui.getState().dialog, undefined);
  await cursorTo(c, (r) => r.node.kind === 'now' && !r.node.active);
  for (const id of ['restore', 'delete'] as const) {
    await c.command(id);
    assert.ok(plain(c.frame()).includes(READ_ONLY_KEY), id);
    assert.equal(c.controller.ui.getState().dialog, undefined);
  }
  await c.command('close');
  assert.deepEqual(c.controller.ui.getState().treeMarks, [], 'Esc drops the marks');
  assert.deepEqual(await family(c, '101'), before);
  c.unmount();
});
