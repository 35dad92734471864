import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DIFF_BINDINGS, TEXT_DIFF_BINDINGS } from '../../src/app/bindings.js';
import { summarize, type FileChange } from '../../src/core/model/file-diff.js';
import { textHunks } from '../../src/core/model/text-diff.js';
import type { FileDiffResult } from '../../src/core/ops/file-diff.js';
import type { FileTextDiff } from '../../src/core/ops/file-text.js';
import { LxcriError } from '../../src/core/errors.js';
import { plain, renderConsole } from '../support/ui.js';

/*
 * Enter on a file in the diff view: its text diff, scrolled, Esc back to the diff view as it was. The demo core
 * answers with fakes shaped as the core's (src/core/ops/file-diff.ts, file-text.ts).
 */

type Console = Awaited<ReturnType<typeof renderConsole>>;

const CHANGES: FileChange[] = [
  { path: '/etc', change: 'M', type: 'dir' },
  { path: '/etc/app.conf', change: 'M', type: 'file', size: 400 },
  { path: '/etc/hosts', change: 'M', type: 'file', size: 220 },
  { path: '/var/log/old.log', change: '-', type: 'file', size: 4096 },
];

function diffResult(from: string, to: string): FileDiffResult {
  return { container: '100', from, to, method: 'walk', content: false, changes: CHANGES, summary: summarize(CHANGES) };
}

/** 60 lines, every tenth changed: six hunks, more than a screen. */
function textDiff(path: string): FileTextDiff {
  const before = Array.from({ length: 60 }, (_, i) => `setting${i + 1} = old`);
  const after = before.map((l, i) => (i % 10 === 4 ? l.replace('old', 'new') : l));
  const hunks = textHunks(before.join('\n') + '\n', after.join('\n') + '\n');
  return { container: '100', from: 'cp-a', to: 'NOW', path, fromSize: 900, toSize: 900, hunks, added: 6, removed: 6 };
}

const view = (c: Console) => plain(c.frame());

/** The demo's web (100), its newest checkpoint marked, the diff view open against NOW. */
async function openDiff(c: Console): Promise<void> {
  c.core.diff = async (_id, from) => diffResult(from.slice(from.indexOf('@') + 1), 'NOW');
  await c.command('next-pane');
  await c.command('top');
  for (let i = 0; i < 40 && c.controller.cursorRow()?.node.kind !== 'snapshot'; i++) await c.command('down');
  await c.command('mark');
  await c.command('diff');
}

test('Enter on a file in the diff view shows its text diff: hunks, + and - lines in colour, scrolling; Esc back as it was', async () => {
  const c = await renderConsole({ size: { columns: 100, rows: 24 }, treeOrder: 'newest' });
  await openDiff(c);
  const calls: Array<[string, string, string | undefined, string, unknown]> = [];
  c.core.diffFile = async (id, from, to, path, opts) => {
    calls.push([id, from, to, path, opts]);
    return textDiff(path);
  };
  // Fold /var, then put the cursor on /etc/hosts (group /etc, /etc, app.conf, hosts).
  await c.command('bottom', DIFF_BINDINGS);
  await c.command('collapse', DIFF_BINDINGS);
  await c.command('top', DIFF_BINDINGS);
  await c.press('j', 'j', 'j');
  assert.match(view(c), /▸ {4}M {2}\/etc\/hosts/);
  const before = c.controller.ui.getState().diffView!;

  await c.command('open', DIFF_BINDINGS);
  assert.equal(c.controller.ui.getState().mode, 'text-diff');
  const [call] = calls;
  assert.deepEqual([call![0], call![2], call![3], call![4]], ['100', undefined, '/etc/hosts', {}], 'the diff view states, NOW as undefined');
  let f = view(c);
  assert.match(f, /100 \/etc\/hosts: cp-a \(900B\) -> NOW \(900B\), \+6 -6 lines/);
  assert.match(f, /--- cp-a:\/etc\/hosts/);
  assert.match(f, /@@ -2,7 \+2,7 @@/);
  assert.match(f, /^│ -setting5 = old/m);
  assert.match(f, /^│ \+setting5 = new/m);
  assert.doesNotMatch(f, /setting55/, 'the last hunk is below the screen');
  assert.match(f, /↓ \d+ more/);
  assert.match(f, /j\/k scroll/);
  // Colour: added lines green, removed red (the dark theme's status.ok and status.error).
  assert.match(c.frame(), /\x1b\[32m\+setting5 = new/);
  assert.match(c.frame(), /\x1b\[31m-setting5 = old/);

  await c.command('bottom', TEXT_DIFF_BINDINGS);
  f = view(c);
  assert.match(f, /\+setting55 = new/);
  assert.match(f, /↑ \d+ more/);
  await c.command('top', TEXT_DIFF_BINDINGS);
  await c.command('page-down', TEXT_DIFF_BINDINGS);
  assert.ok(c.controller.ui.getState().textDiffView!.scroll > 5, 'a page down');

  await c.command('close', TEXT_DIFF_BINDINGS);
  assert.equal(c.controller.ui.getState().mode, 'diff');
  const after = c.controller.ui.getState().diffView!;
  assert.deepEqual([after.cursor, after.folded], [before.cursor, before.folded], 'cursor and folds as they were');
  f = view(c);
  assert.match(f, /▸ {4}M {2}\/etc\/hosts/);
  assert.match(f, /▸ \/var {2}1 change/, '/var still folded');
  c.unmount();
});

test("Enter on a directory's change says only files compare; on a group it folds; the core's refusal shows in the view", async () => {
  const c = await renderConsole({ size: { columns: 120, rows: 24 }, treeOrder: 'newest' });
  await openDiff(c);
  c.core.diffFile = async (_id, _from, _to, path) => {
    throw new LxcriError('binary', `${path} in cp-a of 100 is binary (it holds NUL bytes): its text cannot be compared`, 'restore it beside the current one');
  };
  await c.command('down', DIFF_BINDINGS);
  await c.command('open', DIFF_BINDINGS);
  assert.equal(c.controller.ui.getState().mode, 'diff');
  assert.match(view(c), /\/etc is a directory: only a file's text can be compared/);

  await c.command('down', DIFF_BINDINGS);
  await c.command('open', DIFF_BINDINGS);
  assert.match(view(c), /cannot compare: \/etc\/app\.conf in cp-a of 100 is binary \(it holds NUL bytes\)/);
  await c.press('\x1b');
  assert.equal(c.controller.ui.getState().mode, 'diff');

  await c.command('top', DIFF_BINDINGS);
  await c.command('open', DIFF_BINDINGS);
  assert.match(view(c), /▸▸ \/etc {2}3 changes/, 'Enter on a group folds it');
  c.unmount();
});
