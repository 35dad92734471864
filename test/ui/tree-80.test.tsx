import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plain, renderConsole } from '../support/ui.js';

type Console = Awaited<ReturnType<typeof renderConsole>>;

const DATE = /\d\d [A-Z][a-z]{2} \d\d:\d\d/;

/** The tree pane's lines under its title (header first), to its bottom border: the right pane of the top row. */
function treeLines(frame: string): string[] {
  const lines = plain(frame).split('\n');
  const top = lines.findIndex((l) => l.includes('Checkpoints of'));
  const out: string[] = [];
  for (const l of lines.slice(top + 1)) {
    // The top row's bottom border ends the pane.
    if (!l.includes('││')) break;
    out.push(l.slice(l.indexOf('││') + 2, -1));
  }
  return out;
}

async function openTree(c: Console, index: number): Promise<void> {
  for (let i = 0; i < index; i++) await c.command('down');
  await c.command('next-pane');
}

test('80x24, tree focused: a DATE column with dates on the checkpoint rows, no line wider than 80, the container list still names its containers', async () => {
  const c = await renderConsole({ size: { columns: 80, rows: 24 }, treeOrder: 'newest' });
  try {
    // The container list focused: the tree is the narrow side, without dates, but its ages tell days apart.
    let tree = treeLines(c.frame());
    assert.match(tree[0]!, /AGE +USED +LABEL/);
    assert.doesNotMatch(tree[0]!, /DATE/);
    assert.ok(
      tree.some((l) => /\s\d+d\s/.test(l)),
      tree.join('\n'),
    );

    await openTree(c, 1);
    const frame = plain(c.frame());
    for (const line of frame.split('\n')) assert.ok([...line].length <= 80, `wider than 80: ${line}`);
    tree = treeLines(c.frame());
    assert.match(tree[0]!, /DATE +AGE +USED +LABEL/, tree.join('\n'));
    const snapshots = tree.slice(1).filter((l) => /[●◆]/.test(l));
    assert.ok(snapshots.length >= 4, tree.join('\n'));
    for (const l of snapshots) assert.match(l, DATE, `a date on every checkpoint row:\n${tree.join('\n')}`);
    assert.match(tree[1]!, /◉ +NOW +\S+ +<- you are here/, 'you are here, whole');
    // The container list beside it: every id and name, and the status.
    for (const [id, name] of [
      ['100', 'web'],
      ['101', 'db'],
      ['102', 'ci-runner'],
      ['105', 'build'],
    ])
      assert.match(frame, new RegExp(`│[ ▸]${id} ${name} +(running|stopped)`), frame);
    // Back to the container list: it is wide again, with its counts.
    await c.command('prev-pane');
    assert.match(plain(c.frame()), /CKP +SNAPS/);
    assert.doesNotMatch(treeLines(c.frame())[0]!, /DATE/);
  } finally {
    c.unmount();
  }
});

test('80x24: PgDn in the tree moves by the lines the pane shows, one fewer once a marks line takes one', async () => {
  const c = await renderConsole({ size: { columns: 80, rows: 24 }, treeOrder: 'newest' });
  try {
    await openTree(c, 1);
    const total = c.controller.treeRows().length;
    // Lines under the column header: the list, its scroll hints included.
    const shown = () => treeLines(c.frame()).length - 1;
    const page = shown();
    assert.ok(total > page, `enough rows to page (${total} rows, ${page} shown)`);
    await c.command('top');
    await c.command('page-down');
    assert.equal(c.controller.ui.getState().treeCursor, page);
    assert.match(treeLines(c.frame()).join('\n'), /▸/, 'the cursor row is on screen');

    // A mark: the "1 marked" line comes over the list, which loses a line; the page follows.
    await c.command('top');
    await c.command('down');
    await c.command('mark');
    assert.match(plain(c.frame()), /1 marked/);
    const marked = treeLines(c.frame()).length - 2;
    assert.equal(marked, page - 1, treeLines(c.frame()).join('\n'));
    await c.command('top');
    await c.command('page-down');
    assert.equal(c.controller.ui.getState().treeCursor, marked);
  } finally {
    c.unmount();
  }
});
