import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inventory } from '../../src/core/model/inventory.js';
import { layoutTree } from '../../src/core/model/tree-layout.js';
import { buildTree, type CheckpointNode } from '../../src/core/model/tree.js';
import { parseZfsGet } from '../../src/core/tools/zfs/parse.js';
import { ASCII_GLYPHS, UNICODE_GLYPHS } from '../../src/present/glyphs.js';
import { alsoOnMark, branchTitle, shortDate, treeTable, writtenText } from '../../src/present/tree-columns.js';
import { formatBytes } from '../../src/present/units.js';
import { fixture } from '../support/fixtures.js';

/** The captured zfs-fuse branch restore: two lines, no `written` property. */
function tree() {
  return buildTree('web', 'ztest/containers/web', new Inventory(parseZfsGet(fixture('zfs/zfs-fuse-get-branch-restore.txt'))));
}
const NOW = 1_795_500_000;

test('columns by width: age, used and label always; date, marks and written join as the width allows; the header names exactly those', () => {
  const t = tree();
  const rows = layoutTree(t);
  const at = (width: number) => treeTable(t, rows, { width, nowSeconds: NOW, glyphs: UNICODE_GLYPHS });
  assert.deepEqual(at(33).columns, ['age', 'used', 'label']);
  // The fixture has a held snapshot: at 60 both the date and the marks columns fit.
  assert.deepEqual(at(60).columns, ['date', 'age', 'used', 'label', 'marks']);
  assert.deepEqual(at(100).columns, ['date', 'age', 'used', 'written', 'label', 'marks']);
  for (const width of [33, 60, 100]) {
    const table = at(width);
    const header = table.header.trim().split(/ +/);
    assert.deepEqual(
      header,
      table.columns.map((c) => c.toUpperCase()),
    );
    // Every row's USED cell ends in the header's USED column, whatever the depth of the graph.
    const end = table.header.indexOf('USED') + 3;
    for (const line of table.lines) assert.match(line.padEnd(end + 2).slice(0, end + 2), /\S $/, `${width}: ${line}`);
    for (const line of table.lines) assert.ok([...line].length <= width, `${width}: fits`);
  }
});

test('the marks column: held, stateful and foreign sources; in a narrow pane they follow the label', () => {
  const t = tree();
  const n = [...t.nodes.values()].find((x) => x.name === 'checkpoint-1795427503')!;
  n.holds = 1;
  n.image = '/img';
  const rows = layoutTree(t);
  const wide = treeTable(t, rows, { width: 120, nowSeconds: NOW, glyphs: UNICODE_GLYPHS });
  assert.ok(wide.columns.includes('marks'));
  assert.ok(wide.lines.some((l) => / held,stateful$/.test(l)));
  const narrow = treeTable(t, rows, { width: 33, nowSeconds: NOW, glyphs: UNICODE_GLYPHS });
  assert.ok(!narrow.columns.includes('marks'));
  assert.ok(narrow.lines.some((l) => l.includes('[held,stateful]')));
});

test('written since the previous checkpoint: the referenced change on zfs-fuse, marked ~; the written property where there is one', () => {
  const t = tree();
  const child = [...t.nodes.values()].find((x) => x.name === 'checkpoint-1795427503')!;
  const parent = t.nodes.get(child.parent!)!;
  const delta = child.referenced - parent.referenced;
  assert.equal(writtenText(t, child), `${delta < 0 ? '-' : ''}${formatBytes(Math.abs(delta))}~`);
  child.written = 4096;
  assert.equal(writtenText(t, child), '4K');
});

test('newest first is the same graph read bottom up; a folded side line is its tip alone, titled in words, counting what it hides', () => {
  const t = tree();
  const oldest = layoutTree(t);
  const newest = layoutTree(t, { newestFirst: true });
  assert.deepEqual(
    newest.map((r) => r.id),
    oldest.map((r) => r.id).reverse(),
  );
  assert.ok(newest[0]!.node.active, 'you are here first');
  const side = oldest.find((r) => r.line !== '')!;
  const folded = layoutTree(t, { collapsed: new Set([side.line]) });
  assert.equal(folded.length, oldest.length - 3);
  const row = folded.find((r) => r.hidden)!;
  assert.equal(row.hidden, 3);
  assert.equal(row.node.kind, 'now');
  const table = treeTable(t, folded, { width: 120, nowSeconds: NOW, glyphs: UNICODE_GLYPHS });
  const title = branchTitle(t, row.node.dataset, NOW);
  assert.match(title, /^set aside by the restore to "first" at \d\d \w{3} \d\d:\d\d$/);
  assert.ok(table.lines.some((l) => l.includes(`[+3 folded] ${title}`)));
  assert.ok(!table.lines.join('\n').includes('lxcri-br-'), 'never by its dataset name');
});

test('dates are short and local: this year with the time, earlier years with the year; ASCII tables hold only ASCII', () => {
  const t = new Date(2025, 10, 24, 1, 11).getTime() / 1000;
  assert.equal(shortDate(t, t + 3600), '24 Nov 01:11');
  assert.equal(shortDate(t, t + 400 * 86_400), '24 Nov 2025');
  const tr = tree();
  const rows = layoutTree(tr);
  const table = treeTable(tr, rows, { width: 100, nowSeconds: NOW, glyphs: ASCII_GLYPHS, marked: new Set([rows[1]!.id]) });
  assert.doesNotMatch([table.header, ...table.lines].join('\n'), /[^\x00-\x7f]/);
  assert.match(table.lines[1]!, /^\+-\* *x /, 'the mark in ASCII');
});

test('the date comes before the marks in a narrow pane; ages are in days, so checkpoints days apart never read alike', async () => {
  const { formatAgeDays } = await import('../../src/present/units.js');
  const t = tree();
  const rows = layoutTree(t);
  // 46: the tree at 80 columns once it has the focus (layout.ts), inside its border and cursor column.
  const table = treeTable(t, rows, { width: 46, nowSeconds: NOW, glyphs: UNICODE_GLYPHS });
  assert.deepEqual(table.columns, ['date', 'age', 'used', 'label']);
  assert.ok(
    table.lines.some((l) => l.includes('[held]')),
    'the marks follow the label',
  );
  for (const line of table.lines) assert.ok([...line].length <= 46, line);
  const day = 86400;
  assert.deepEqual(
    [30, 3600 * 5, day + 3600, 3 * day, 38 * day, 39 * day, 41 * day, 999 * day, 1200 * day].map((ago) => formatAgeDays(NOW - ago, NOW)),
    ['<1m', '5h', '25h', '3d', '38d', '39d', '41d', '999d', '3y'],
  );
  const ages = treeTable(t, rows, { width: 33, nowSeconds: NOW + 40 * day, glyphs: UNICODE_GLYPHS });
  assert.ok(!ages.columns.includes('date'));
  assert.ok(
    ages.lines.every((l) => !/\dw /.test(l)),
    'no weeks',
  );
});

test("details of a side line's NOW: its title in words, as the tree names it, and its dataset", async () => {
  const { detailRows } = await import('../../src/present/details.js');
  const t = tree();
  const side = [...t.nodes.values()].find((n) => n.kind === 'now' && !n.active)!;
  const rows = detailRows(side, undefined, 44, t, NOW);
  const text = (key: string) => {
    const i = rows.findIndex(([k]) => k === key);
    assert.ok(i >= 0, `${key} in ${JSON.stringify(rows)}`);
    const out = [rows[i]![1]];
    for (let j = i + 1; j < rows.length && rows[j]![0] === ''; j++) out.push(rows[j]![1]);
    return out;
  };
  const title = branchTitle(t, side.dataset, NOW);
  assert.match(title, /^set aside by the restore to /);
  assert.equal(text('branch').join(' '), title, 'wrapped at spaces, whole');
  assert.equal(text('dataset').join(''), side.dataset);
  for (const [, v] of rows) assert.ok(v.length <= 44 - 2 - 14);
  const live = detailRows(
    [...t.nodes.values()].find((n) => n.kind === 'now' && n.active),
    undefined,
    44,
    t,
    NOW,
  );
  assert.equal(live[0]![0], 'live state of');
});

test('where else a checkpoint is: "@<node>" in the marks column, the first node and how many more; in a narrow pane before the label', () => {
  assert.equal(alsoOnMark([]), '');
  assert.equal(alsoOnMark(['pve2']), '@pve2');
  assert.equal(alsoOnMark(['pve2', 'pve3', 'pve4']), '@pve2+2');
  const t = tree();
  const n = [...t.nodes.values()].find((x) => x.name === 'checkpoint-1795427503')!;
  const rows = layoutTree(t);
  const alsoOn = (x: CheckpointNode) => (x.id === n.id ? ['pve2', 'pve3'] : []);
  const wide = treeTable(t, rows, { width: 120, nowSeconds: NOW, glyphs: UNICODE_GLYPHS, alsoOn });
  assert.ok(wide.columns.includes('marks'));
  assert.equal(wide.lines.filter((l) => / @pve2\+1$/.test(l)).length, 1, wide.lines.join('\n'));
  n.holds = 1;
  const held = treeTable(t, rows, { width: 120, nowSeconds: NOW, glyphs: UNICODE_GLYPHS, alsoOn: (x) => alsoOn(x) });
  assert.ok(
    held.lines.some((l) => / held @pve2\+1$/.test(l)),
    held.lines.join('\n'),
  );
  const narrow = treeTable(t, rows, { width: 33, nowSeconds: NOW, glyphs: UNICODE_GLYPHS, alsoOn });
  assert.ok(!narrow.columns.includes('marks'));
  assert.ok(
    narrow.lines.some((l) => l.endsWith(' @pve2+1 [held]')),
    narrow.lines.join('\n'),
  );
  // Without where-else, the same rows have no such mark (the widths are measured again, not reused).
  assert.ok(!treeTable(t, rows, { width: 120, nowSeconds: NOW, glyphs: UNICODE_GLYPHS }).lines.some((l) => l.includes('@pve2')));
});
