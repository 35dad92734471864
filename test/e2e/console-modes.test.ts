import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { keyOf } from '../../src/app/bindings.js';
import { TEXT_FIELD_BINDINGS } from '../../src/app/text-field.js';
import { PtyProgram } from '../support/terminal-bytes.js';
import { TmuxSession } from '../support/tmux.js';

// Every mode of the built console on the demo host, at the smallest supported terminal and a wide one: each step sends
// SEVERAL keys in ONE `send-keys -l` (tmux writes them to the terminal together, the console reads them at once) and
// checks the screen they lead to: the cursor row, the dialog's text, the mode.

const BIN = 'node dist/bundle/bin.js';
const SIZES = [
  [80, 24],
  [200, 50],
] as const;

before(() => {
  execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
});

const ESC = '\x1b';
const TAB = '\t';
const ENTER = '\r';
/** The tree opens newest first; these walks read it oldest first (top to bottom as the tree grew). */
const OLDEST_FIRST = keyOf('order', undefined, 'tree');
const CTRL_A = '\x01';
const CTRL_W = '\x17';
const BACKSPACE = '\x7f';

/** The selected container row: the containers pane marks it with ▸. */
const selectedId = (screen: string) => /│▸(\d{3}) /.exec(screen)?.[1];
/** The details pane names the node under the tree cursor: its label (a checkpoint) or "live state of" (a NOW). */
const detailsLabel = (screen: string) => /│label\s+(.+?)\s*│/.exec(screen)?.[1];

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for `pattern`, then checks the screen still shows it a moment later (no key handled late changed it). */
async function settled(t: TmuxSession, pattern: RegExp): Promise<string> {
  await t.waitFor(pattern);
  await pause(400);
  const screen = t.screen();
  assert.match(screen, pattern, screen);
  return screen;
}

async function cursorOn(t: TmuxSession, id: string): Promise<string> {
  const screen = await settled(t, new RegExp(`│▸${id} `));
  assert.equal(selectedId(screen), id, screen);
  return screen;
}

async function treeLabel(t: TmuxSession, label: string): Promise<string> {
  const screen = await settled(t, new RegExp(`│label\\s+${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*│`));
  assert.equal(detailsLabel(screen), label, screen);
  return screen;
}

function start(cols: number, rows: number, name: string): TmuxSession {
  const dir = mkdtempSync(join(tmpdir(), `lxcri-e2e-${name}-`));
  return TmuxSession.start(`lxcri-e2e-${name}-${cols}`, `${BIN} --demo`, cols, rows, { LXCRI_DEMO_DIR: dir });
}

// The tree of 101 db in the seeded demo, top to bottom, by label (every row but the NOWs and one unlabelled checkpoint).
const SCHEMA = 'schema v1';
const BEFORE_MIGRATION = 'before migration 42';
const AFTER_MIGRATION = 'after migration 42';
const SECOND_TRY = 'migration 42, second try';
const HOTFIX = 'hotfix branch';

for (const [cols, rows] of SIZES) {
  test(`${cols}x${rows}: panes, filter, tree and tree search, with several keys in one send`, async () => {
    const t = start(cols, rows, 'modes-nav');
    try {
      await t.waitFor(/Containers \(8\)[\s\S]*◉ +NOW .*<- you are here/);
      // Containers pane: j j j k is the third row; G the last, k one up; g the first.
      t.text('jjjk');
      await cursorOn(t, '102');
      assert.match(t.screen(), /Checkpoints of 102 ci-runner/);
      t.text('Gk');
      await cursorOn(t, '106');
      t.text('gj');
      await cursorOn(t, '101');

      // Filter: typed, kept with Enter; Esc in the containers pane then brings the whole list back, the row kept.
      t.text(`${keyOf('filter', undefined, 'containers')}bui${ENTER}`);
      let screen = await settled(t, /Containers \(1\) \/bui/);
      assert.equal(selectedId(screen), '105', screen);
      t.text(`${ESC}k`);
      screen = await cursorOn(t, '104');
      assert.match(screen, /Containers \(8\)/);
      assert.doesNotMatch(screen, /\/bui/);

      // The tree of 101: Tab focuses it; g the first row, j the next; G the live state (NOW), k the checkpoint above it.
      t.text(`kkk${TAB}${OLDEST_FIRST}gj`);
      screen = await treeLabel(t, BEFORE_MIGRATION);
      assert.match(screen, /Checkpoints of 101 db \(3 lines\)/);
      assert.equal(selectedId(screen), '101');
      t.text('Gk');
      await treeLabel(t, HOTFIX);
      t.text('G');
      await settled(t, /│live state of rpool\/data\/subvol-101-disk-0/);

      // Tree search: / in the tree searches labels and names; Enter keeps it; n and N walk the matches, wrapping.
      t.text(`/migration${ENTER}g`);
      screen = await treeLabel(t, SCHEMA);
      assert.match(screen, /search: migration\s+3 matches/);
      t.text('nn');
      await treeLabel(t, AFTER_MIGRATION);
      t.text('nn');
      await treeLabel(t, BEFORE_MIGRATION);
      t.text('NN');
      await treeLabel(t, AFTER_MIGRATION);
      // Esc drops the search; / then types a new one, every key of it in the same send.
      t.text(`${ESC}/second${ENTER}`);
      screen = await treeLabel(t, SECOND_TRY);
      assert.match(screen, /search: second\s+1 match/);

      // q quits (nothing running: no question).
      t.text('q');
      await t.waitFor(/EXITED 0/);
    } finally {
      t.kill();
    }
  });

  // At 200x50 the help's first page holds both `/` rows (filter, search): once keyed alike, React warned over the screen.
  test(`${cols}x${rows}: help: ? opens at the top, G shows the last row, g the top again, Esc and j close and move`, async () => {
    const t = start(cols, rows, 'modes-help');
    try {
      await t.waitFor(/Containers \(8\)/);
      t.text('?G');
      const last = TEXT_FIELD_BINDINGS.at(-1)!.description;
      let screen = await settled(t, new RegExp(`Keys — Esc, q or \\? closes[\\s\\S]*${last}`));
      assert.match(screen, /↑ \d+ more/);
      assert.doesNotMatch(screen, /↓ \d+ more/, 'G is the last row');
      t.text('g');
      screen = await settled(t, /Keys — Esc, q or \? closes\s*│\n│ Move \(every list and view\)/);
      assert.match(screen, /↓ \d+ more/);
      assert.doesNotMatch(screen, /↑ \d+ more/);
      // Esc closes; j in the same send moves the containers cursor; nothing of the help is left on the screen.
      t.text(`${ESC}j`);
      screen = await cursorOn(t, '101');
      assert.doesNotMatch(screen, /Keys — Esc|Encountered two children|first row|next pane/, screen);
      t.text('q');
      await t.waitFor(/EXITED 0/);
    } finally {
      t.kill();
    }
  });

  test(`${cols}x${rows}: pool, messages and command log: opened, scrolled and closed with keys sent together`, async () => {
    const t = start(cols, rows, 'modes-views');
    try {
      await t.waitFor(/Containers \(8\)/);
      t.text('j');
      await cursorOn(t, '101');

      // Space view: P opens it, Enter goes into the pool, q closes it (and does not quit), k moves on the list again.
      t.text('P\r');
      let screen = await settled(t, /Space: pools › rpool {3}sort: size/);
      assert.match(screen, /^[ ▸]101\s+db\s+\S+/m);
      t.text('qk');
      await cursorOn(t, '100');

      // Messages: ! opens, ! again closes.
      t.text('!');
      screen = await settled(t, /Messages \(\d+\), newest last/);
      t.text('!j');
      screen = await cursorOn(t, '101');
      assert.doesNotMatch(screen, /Messages \(/);

      // Command log: @ opens it at its end (live), g goes to its first command, @ closes.
      t.text('@g');
      screen = await settled(t, /Command log \(\d+\): every command this console ran/);
      assert.match(screen, /zfs version/, 'the first command the console ran is at the top');
      t.text('G@');
      await cursorOn(t, '101');

      t.text('q');
      await t.waitFor(/EXITED 0/);
    } finally {
      t.kill();
    }
  });

  test(`${cols}x${rows}: checkpoint dialog (label edited with Ctrl-W, Backspace, Ctrl-A), restore dialog (Tab, Esc), undo dialog (Esc), quit`, async () => {
    const t = start(cols, rows, 'modes-dialogs');
    try {
      await t.waitFor(/Containers \(8\)/);
      t.text('j');
      await cursorOn(t, '101');

      // Checkpoint: the dialog opens, the label is typed and edited in the same send: "nightly build", Ctrl-W drops
      // "build", Backspace the space, Ctrl-A goes to the start, "pre-" goes in front.
      t.text(`cnightly build${CTRL_W}${BACKSPACE}${CTRL_A}pre-`);
      let screen = await settled(t, /Checkpoint of 101 db[\s\S]*label: pre-nightly/);
      assert.doesNotMatch(screen, /build/);
      // Home again and Ctrl-W at the start changes nothing; Delete (Ctrl-D) at the start drops the "p".
      t.text(`${CTRL_A}${CTRL_W}\x04`);
      screen = await settled(t, /label: re-nightly/);
      t.text(ENTER);
      await t.waitFor(/checkpoint of 101: done/);
      // The tree shows it, labelled, on the live line; the command log shows its zfs snapshot and exit 0.
      screen = await t.waitFor(/"re-nightly"/);
      t.text('@');
      screen = await settled(t, /Command log \(\d+\)/);
      const line = screen.split('\n').find((l) => /\* .*zfs snapshot /.test(l));
      assert.ok(line, `the command log shows the zfs snapshot:\n${screen}`);
      assert.match(line, /\bexit 0\b/);
      if (cols >= 200) assert.match(line, /lxcri:label=re-nightly .*rpool\/data\/subvol-101-disk-0@checkpoint-\d+/);
      t.text(ESC);
      await cursorOn(t, '101');

      // Restore: on the tree's first checkpoint; r and Tab in one send open the dialog on rollback (typed confirmation);
      // Tab again is branch restore; Esc cancels: nothing restored.
      t.text(`${TAB}${OLDEST_FIRST}gr${TAB}`);
      screen = await settled(t, /Restore 101 to checkpoint-\d+[\s\S]*\[\*\] rollback/);
      assert.match(screen, /\[ \] branch restore/);
      assert.match(screen, /type 101 \+ Enter to roll back \(no undo\)/);
      t.text(TAB);
      screen = await settled(t, /\[\*\] branch restore/);
      assert.match(screen, /\[ \] rollback/);
      t.text(ESC);
      screen = await treeLabel(t, SCHEMA);
      assert.match(screen, /Checkpoints of 101 db \(3 lines\)/);
      assert.doesNotMatch(screen, /restore of 101/);

      // Undo: 101 was restored in the seeded history; u names it; Esc closes it, j in the same send moves the tree.
      t.text('u');
      screen = await settled(t, /Undo the last restore of 101[\s\S]*db \(running\) shuts down \(graceful up to \d+ s, then hard\)/);
      assert.match(screen, /today's state is kept: it has \d+ checkpoint\(s\) of its own/);
      assert.match(screen, /Esc cancel/);
      t.text(`${ESC}j`);
      screen = await treeLabel(t, BEFORE_MIGRATION);
      assert.doesNotMatch(screen, /Undo the last restore/);
      assert.match(screen, /Checkpoints of 101 db \(3 lines\)/);

      // q quits; the shell's screen is back.
      t.text('q');
      const after = await t.waitFor(/EXITED 0/);
      assert.doesNotMatch(after, /Containers \(8\)/);
    } finally {
      t.kill();
    }
  });
}

test('y on a tree checkpoint writes OSC 52 with the full snapshot name to the terminal', async () => {
  // tmux keeps OSC 52 to itself (set-clipboard), so this reads the bytes the console writes to a real pty.
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-e2e-osc52-'));
  const p = PtyProgram.start(['node', 'dist/bundle/bin.js', '--demo'], { columns: 200, rows: 50, env: { LXCRI_DEMO_DIR: dir } });
  try {
    await p.waitFor(/Containers \(8\)[\s\S]*◉ +NOW .*<- you are here/);
    p.type(`j${TAB}${OLDEST_FIRST}g`);
    await p.waitFor(/label\s+schema v1/);
    await p.waitFor(/snapshot\s+rpool\/data\/subvol-101-disk-0@checkpoint-\d+/);
    const full = /snapshot\s+(rpool\/data\/subvol-101-disk-0@checkpoint-\d+)/.exec(p.screen())![1]!;
    await p.settle();
    const from = p.bytes();
    p.type(keyOf('copy', undefined, 'tree'));
    await p.waitFor(new RegExp(`copied ${full}`));
    const written = p.since(from);
    assert.ok(written.includes(`\x1b]52;c;${Buffer.from(full).toString('base64')}\x07`), JSON.stringify(written.slice(0, 300)));
  } finally {
    await p.stop();
  }
});
