import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { keyOf, SPACE_BINDINGS } from '../../src/app/bindings.js';
import { TmuxSession } from '../support/tmux.js';

// Issue 9's time machine in a real terminal (tmux), on the built console's demo host, at the smallest supported
// terminal and a wide one: the tree's columns, order and folding; checkpoint marks and deleting the marked set; the
// prune dialog's keep/prune toggles; container marks and one group checkpoint; the restore preview and its zfs steps;
// the space view's drill-down. Keys go several in ONE `send-keys -l`, as a fast typist's do; every step reads the
// screen, and the destructive ones are checked against the host's own listing afterwards (R, the command log `@`).
// The demo keeps its ZFS state in the console's memory (only events and configs are files in LXCRI_DEMO_DIR), so a
// second process (`--demo tree --json`) would see a freshly seeded host: the ground truth is read in this console.

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
const BACKSPACE = '\x7f';
const CTRL_V = '\x16';
const TREE = 'tree' as const;
const K = {
  order: keyOf('order', undefined, TREE),
  fold: keyOf('collapse', undefined, TREE),
  mark: keyOf('mark', undefined, TREE),
  range: keyOf('mark-range', undefined, TREE),
  deleteMarked: keyOf('delete-marked', undefined, TREE),
  restore: keyOf('restore', undefined, TREE),
  markContainer: keyOf('mark-container', undefined, 'containers'),
  checkpoint: keyOf('checkpoint'),
  prune: keyOf('prune'),
  refresh: keyOf('refresh'),
  commands: keyOf('commands'),
  pool: keyOf('pool'),
  sort: keyOf('sort', SPACE_BINDINGS),
  down: keyOf('down'),
  top: keyOf('top'),
  bottom: keyOf('bottom'),
};

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(cols: number, rows: number, name: string, flags = ''): TmuxSession {
  const dir = mkdtempSync(join(tmpdir(), `lxcri-e2e-tm-${name}-`));
  return TmuxSession.start(`lxcri-e2e-tm-${name}-${cols}`, `${BIN} --demo${flags}`, cols, rows, { LXCRI_DEMO_DIR: dir });
}

/** Waits for `pattern`, then checks the screen still shows it a moment later (no key handled late changed it). */
async function settled(t: TmuxSession, pattern: RegExp): Promise<string> {
  await t.waitFor(pattern);
  await pause(400);
  const screen = t.screen();
  assert.match(screen, pattern, screen);
  return screen;
}

/** Nothing drawn past the terminal: no line wider than it, no more lines than it has, and a dialog's box unbroken. */
function fits(screen: string, cols: number, rows: number): void {
  const lines = screen.replace(/\n+$/, '').split('\n');
  assert.ok(lines.length <= rows, `${lines.length} lines on a ${rows}-row terminal:\n${screen}`);
  for (const l of lines) assert.ok([...l].length <= cols, `a line wider than ${cols}: ${JSON.stringify(l)}`);
  const top = lines.findIndex((l) => /^[╔+]/.test(l) && /[═=]{5}/.test(l));
  if (top < 0) return;
  const bottom = lines.findIndex((l, i) => i > top && /^[╚+]/.test(l));
  assert.ok(bottom > top, `the dialog's box has no bottom:\n${screen}`);
  const width = [...lines[top]!].length;
  for (const l of lines.slice(top, bottom + 1)) {
    assert.equal([...l].length, width, `a dialog line cut or pushed: ${JSON.stringify(l)}\n${screen}`);
    if (l !== lines[top] && l !== lines[bottom]) assert.match(l, /^[║|].*[║|]$/, `a dialog line out of its box: ${JSON.stringify(l)}\n${screen}`);
  }
}

/** The dialog's lines (inside its box), trimmed. */
function dialogLines(screen: string): string[] {
  const lines = screen.split('\n');
  const top = lines.findIndex((l) => /^╔/.test(l));
  const bottom = lines.findIndex((l, i) => i > top && /^╚/.test(l));
  if (top < 0 || bottom < 0) return [];
  return lines.slice(top + 1, bottom).map((l) => l.replace(/^║ ?/, '').replace(/ *║$/, ''));
}

interface TreeView {
  /** The tree rows on the screen, top to bottom (the right part of the top half, between the column header and the border). */
  rows: string[];
  /** Rows the tree scrolled away above and below. */
  above: number;
  below: number;
  header: string;
}

/** The tree pane as the screen shows it. */
function treeView(screen: string): TreeView {
  const right = screen.split('\n').map((l) => {
    const i = l.indexOf('││');
    return i < 0 ? undefined : l.slice(i + 2).replace(/│$/, '');
  });
  const h = right.findIndex((r) => r !== undefined && /\bAGE\s+USED\b/.test(r));
  assert.ok(h >= 0, `no tree header (AGE USED):\n${screen}`);
  let above = 0;
  let below = 0;
  const rows: string[] = [];
  for (const r of right.slice(h + 1)) {
    if (r === undefined) break;
    const up = /^↑ (\d+) more/.exec(r);
    const down = /^↓ (\d+) more/.exec(r);
    if (up) above = Number(up[1]);
    else if (down) below = Number(down[1]);
    else if (r.trim()) rows.push(r.trimEnd());
  }
  return { rows, above, below, header: right[h]! };
}

const cursorRow = (v: TreeView) => v.rows.find((r) => r.startsWith('▸'));
/** The details pane's snapshot name (the checkpoint under the tree cursor). */
const detailsCheckpoint = (screen: string) => /│checkpoint\s+(checkpoint-\d+)\s/.exec(screen)?.[1];
/** The CKP column of a container in the containers pane. */
const ckpOf = (screen: string, id: string) => Number(new RegExp(`│[▸ ]${id} .*?(?:running|stopped)\\s+(?:\\S+\\s+)?(\\d+)\\s+\\S+`).exec(screen)?.[1]);

const UNIT: Record<string, number> = { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
const bytes = (s: string) => {
  const m = /^([\d.]+)([BKMGT])$/.exec(s);
  assert.ok(m, `not a size: ${s}`);
  return Number(m[1]) * UNIT[m[2]!]!;
};

/** The rows of the command log on the screen, by their index in the whole log (the "↑ N more" above them is N). */
function logPage(screen: string): { rows: Map<number, string>; more: boolean } {
  const lines = screen.split('\n');
  const title = lines.findIndex((l) => /Command log \(\d+\)/.test(l));
  assert.ok(title >= 0, `no command log:\n${screen}`);
  const rows = new Map<number, string>();
  let at = 0;
  let more = false;
  for (const l of lines.slice(title + 1)) {
    if (/^[╰+]/.test(l)) break;
    const r = l
      .replace(/^[│|] ?/, '')
      .replace(/ ?[│|]$/, '')
      .trimEnd();
    const up = /^↑ (\d+) more/.exec(r);
    if (up) at = Number(up[1]);
    else if (/^↓ \d+ more/.test(r)) more = true;
    else if (r) rows.set(at++, r);
  }
  return { rows, more };
}

/**
 * Every command of the open command log (`@`), whole: g to its top, then PgDn page by page, each row placed by its
 * index in the log. A row PgDn skipped (never on the screen) is read with k and listed in `skipped`. A command's
 * first row starts with its time, its continuation rows (the command cut into rows) with a two-space indent: those,
 * without the indent, are joined to it as they are.
 */
async function commandLog(t: TmuxSession): Promise<{ commands: string[]; skipped: number[] }> {
  const rows: string[] = [];
  const skipped: number[] = [];
  t.text(K.top);
  let page = logPage(await settled(t, /Command log \(\d+\)/));
  for (let n = 0; n < 100; n++) {
    const first = Math.min(...page.rows.keys());
    if (first > rows.length) {
      // PgDn went past rows never shown: k back to them.
      for (let i = rows.length; i < first; i++) skipped.push(i);
      t.text(keyOf('up').repeat(first - rows.length));
      await pause(200);
      page = logPage(await settled(t, /Command log \(\d+\)/));
      assert.ok(Math.min(...page.rows.keys()) <= rows.length, `k did not bring back row ${rows.length}:\n${t.screen()}`);
    }
    for (const [i, r] of page.rows) rows[i] = r;
    if (!page.more) break;
    const before = rows.length;
    t.keys('NPage');
    await pause(200);
    page = logPage(await settled(t, /Command log \(\d+\)/));
    assert.ok(Math.max(...page.rows.keys()) >= before, `PgDn did not page the command log:\n${t.screen()}`);
  }
  assert.equal(rows.filter((r) => r !== undefined).length, rows.length, 'every row of the log read');
  const commands: string[] = [];
  for (const r of rows) {
    if (/^\d\d:\d\d:\d\d /.test(r)) commands.push(r);
    else {
      assert.match(r, /^ +\S/, `a command log row neither a command nor its continuation: ${JSON.stringify(r)}`);
      assert.ok(commands.length, `a continuation row before any command: ${JSON.stringify(r)}`);
      // The command log cuts a command into rows as it ran: each continuation row is its two-space indent and the text.
      commands[commands.length - 1] += r.slice(2);
    }
  }
  return { commands, skipped };
}

/**
 * Walks the tree of the selected container top to bottom (focus in the tree) and returns every checkpoint's snapshot
 * name from the details pane, in row order.
 */
async function walkCheckpoints(t: TmuxSession, count: number): Promise<string[]> {
  const names: string[] = [];
  t.text(K.top);
  await settled(t, /│live state of rpool\/data\/subvol-\d+-disk-0/);
  for (let i = 0; i < count; i++) {
    t.text(K.down);
    const screen = await settled(t, /│checkpoint\s+checkpoint-\d+\s/);
    const name = detailsCheckpoint(screen)!;
    assert.ok(!names.includes(name), `the cursor did not move past ${name}:\n${screen}`);
    names.push(name);
  }
  return names;
}

for (const [cols, rows] of SIZES) {
  test(`${cols}x${rows}: the tree: header and columns, newest first, o for oldest first, z folds a side line`, async () => {
    const t = start(cols, rows, 'tree');
    try {
      await t.waitFor(/Containers \(8\)[\s\S]*◉ +NOW .*<- you are here/);
      // 101 db: three lines. j and Tab in one send: the tree of 101, focused, the cursor on the live NOW at the top.
      t.text(`j${TAB}`);
      let screen = await settled(t, /Checkpoints of 101 db \(3 lines\)/);
      fits(screen, cols, rows);
      let v = treeView(screen);
      // The focused tree shows the dates at every size (at 80 columns it widens, the containers pane narrows).
      assert.match(v.header, /DATE\s+AGE\s+USED\s+(WRITTEN\s+)?LABEL/, `the focused tree shows the dates:\n${screen}`);
      if (cols >= 200) assert.match(v.header, /DATE\s+AGE\s+USED\s+WRITTEN\s+LABEL/, 'a wide terminal shows WRITTEN too');
      assert.match(v.rows[1]!, /\b\d{1,2} [A-Z][a-z]{2} \d\d:\d\d\b/, `a checkpoint row has its date:\n${screen}`);
      // Ages in hours or days, never weeks: "38d", not "5w".
      const dated = v.rows.filter((r) => /^[^\w"]*\d{1,2} [A-Z][a-z]{2} \d\d:\d\d\b/.test(r));
      assert.ok(dated.length >= 3, `the checkpoint rows have dates:\n${screen}`);
      for (const r of dated) assert.match(r, /\d\d:\d\d +\d+[smhd] /, `an age in s/m/h/d after the date: ${JSON.stringify(r)}\n${screen}`);
      // Newest first: the live NOW on top (the cursor), the newest checkpoint ("hotfix branch") under it.
      assert.equal(v.above, 0);
      assert.match(v.rows[0]!, /^▸◉ +NOW .*<- you are here/, screen);
      assert.match(v.rows[1]!, /"hotfix branch"/, screen);
      const total = v.rows.length + v.below;
      if (cols >= 200) {
        const order = ['hotfix branch', 'migration 42, second try', 'after migration 42', 'before migration 42', 'schema v1'];
        const at = order.map((l) => v.rows.findIndex((r) => r.endsWith(`"${l}"`)));
        assert.deepEqual(
          at,
          [...at].sort((a, b) => a - b),
          `newest first, top to bottom:\n${screen}`,
        );
        assert.ok(!at.includes(-1), screen);
      }

      // o: oldest first; g the first row is the oldest checkpoint, then the one after it; G the live NOW, last.
      t.text(`${K.order}${K.top}`);
      screen = await settled(t, /│label\s+schema v1\s/);
      v = treeView(screen);
      assert.equal(v.above, 0);
      assert.match(v.rows[0]!, /^▸.*"schema v1"/, screen);
      assert.match(v.rows[1]!, /"before migrati/, screen);
      t.text(K.bottom);
      screen = await settled(t, /│live state of rpool\/data\/subvol-101-disk-0/);
      v = treeView(screen);
      assert.equal(v.below, 0);
      assert.match(v.rows.at(-1)!, /^▸◉ +NOW .*<- you are here/, screen);
      assert.match(v.rows.at(-2)!, /"hotfix branch"/, screen);
      assert.equal(v.rows.length + v.above, total, 'the same rows, the other way round');
      if (cols >= 200) {
        const order = ['schema v1', 'before migration 42', 'after migration 42', 'migration 42, second try', 'hotfix branch'];
        const at = order.map((l) => v.rows.findIndex((r) => r.endsWith(`"${l}"`)));
        assert.deepEqual(
          at,
          [...at].sort((a, b) => a - b),
          `oldest first, top to bottom:\n${screen}`,
        );
        assert.ok(!at.includes(-1), screen);
      }

      // Back to newest first; g j j is the NOW of the line set aside by the restore to "schema v1"; z folds that line
      // into its one row, which says how many rows it hides; z again unfolds it.
      t.text(`${K.order}${K.top}jj`);
      screen = await settled(t, /││▸│ ◌ +NOW +\S+ /);
      assert.match(cursorRow(treeView(screen)) ?? '', cols >= 200 ? /◌ +NOW .*set aside by the restore to "schema v1"/ : /◌ +NOW .*set a/, screen);
      t.text(K.fold);
      screen = await settled(t, /\[\+\d+ folded\]/);
      fits(screen, cols, rows);
      v = treeView(screen);
      const folded = cursorRow(v) ?? '';
      assert.match(folded, cols >= 200 ? /NOW .*\[\+\d+ folded\] set aside by the restore to "schema v1"/ : /NOW .*\[\+\d+ folded\]/, screen);
      const hidden = Number(/\[\+(\d+) folded\]/.exec(folded)![1]);
      assert.equal(v.rows.length + v.above + v.below, total - hidden, `the folded row hides ${hidden} rows:\n${screen}`);
      assert.doesNotMatch(screen, /migration 42, second try|after migration 42/, 'the folded line hides its checkpoints');
      assert.match(screen, /"hotfix branch"[\s\S]*"schema v1"/, 'the live line stays');
      t.text(K.fold);
      screen = await settled(t, /"migration 42, /);
      v = treeView(screen);
      assert.doesNotMatch(screen, /folded\]/);
      assert.equal(v.rows.length + v.above + v.below, total, 'unfolded: every row back');
      assert.match(cursorRow(v) ?? '', /^▸│ ◌ +NOW /, `the cursor stays on the line's NOW:\n${screen}`);

      t.text('q');
      await t.waitFor(/EXITED 0/);
    } finally {
      t.kill();
    }
  });

  test(`${cols}x${rows}: marks: Space j j v in one send marks 3, D lists them, the typed id deletes exactly those`, async () => {
    const t = start(cols, rows, 'marks');
    try {
      await t.waitFor(/Containers \(8\)[\s\S]*◉ +NOW .*<- you are here/);
      // 100 web: one line of 7 checkpoints (CKP read while the containers pane has focus: at 80 columns the focused
      // tree widens and the containers pane shows no CKP). Every snapshot name, from the details pane, before anything
      // changes.
      let screen = await settled(t, /│▸100 web /);
      assert.equal(ckpOf(screen, '100'), 7, screen);
      t.text(TAB);
      screen = await settled(t, /Checkpoints of 100 web \(1 line\)/);
      const all = await walkCheckpoints(t, 7);

      // g j Space j j v: the newest checkpoint marked, then the range down to the third: 3 marked.
      t.text(`${K.top}${K.down}${K.mark}${K.down}${K.down}${K.range}`);
      screen = await settled(t, /3 marked, frees at least \S+/);
      fits(screen, cols, rows);
      const v = treeView(screen);
      const marked = v.rows.filter((r) => /●✓/.test(r));
      assert.equal(marked.length, 3, `three rows show the mark:\n${screen}`);
      assert.match(marked[0]!, /"before nginx 1.27"/, screen);
      // "frees at least X": at least the marked checkpoints' own space, which the USED column shows.
      const used = marked.map((r) => bytes(/\s\d+[smhd]\s+([\d.]+[BKMGT])(?:\s|$)/.exec(r)![1]!)).reduce((a, b) => a + b, 0);
      const frees = bytes(/3 marked, frees at least (\S+)/.exec(screen)![1]!);
      assert.ok(Math.abs(frees - used) <= used * 0.01, `frees ${frees} is the sum of the marked rows' USED ${used}:\n${screen}`);

      // D: one summary of the three, in words (a label quoted, an unlabelled one by its time); Ctrl-V shows the zfs
      // steps, each with its snapshot name; the typed field wants the container id.
      t.text(K.deleteMarked);
      screen = await settled(t, /Delete 3 marked checkpoints of 100[\s\S]*type 100 then Enter to delete/);
      fits(screen, cols, rows);
      assert.match(screen, /3 checkpoints of 100 go - frees \S+; the live state is untouched/);
      assert.match(screen, /- 'before nginx 1\.27' \(\S+ ago, \S+\)/);
      assert.equal(
        [...screen.matchAll(/- the checkpoint of \d{1,2} [A-Z][a-z]{2} \d\d:\d\d \(\S+ ago, \S+\)/g)].length,
        2,
        `the two unlabelled ones by their time:\n${screen}`,
      );
      assert.match(screen, /Ctrl-V: show the zfs steps/);
      assert.doesNotMatch(screen, /subvol-100-disk-0@/, `the zfs steps only after Ctrl-V:\n${screen}`);
      t.text(CTRL_V);
      screen = await settled(t, /zfs steps \(Ctrl-V hides them\)[\s\S]*type 100 then Enter to delete/);
      fits(screen, cols, rows);
      const doomed = [...screen.matchAll(/rpool\/data\/subvol-100-disk-0@(checkpoint-\d+)/g)].map((m) => m[1]!);
      assert.deepEqual([...doomed].sort(), all.slice(0, 3).sort(), `the summary names the three marked:\n${screen}`);

      // A wrong id and Enter deletes nothing; the right one does.
      t.text(`101${ENTER}`);
      await pause(500);
      screen = t.screen();
      assert.match(screen, /Delete 3 marked checkpoints of 100/, `a wrong id keeps the dialog open:\n${screen}`);
      assert.doesNotMatch(screen, /delete of 3 checkpoint\(s\) of 100: done/);
      t.text(`${BACKSPACE.repeat(3)}100${ENTER}`);
      screen = await settled(t, /delete of 3 checkpoint\(s\) of 100: done/);
      assert.doesNotMatch(screen, /marked, frees/, 'no marks left');

      // Ground truth: after R (the host listed again), 100 has the four others, exactly (CKP read with the containers
      // pane focused: Tab Tab Tab from the tree, then Tab back into it).
      t.text(K.refresh);
      await pause(1000);
      screen = await settled(t, /Checkpoints of 100 web \(1 line\)/);
      t.text(`${TAB}${TAB}${TAB}`);
      screen = await settled(t, /│ ID +NAME .*CKP/);
      assert.equal(ckpOf(screen, '100'), 4, screen);
      t.text(TAB);
      await settled(t, /Checkpoints of 100 web \(1 line\)/);
      const left = await walkCheckpoints(t, 4);
      assert.deepEqual(left, all.slice(3), `the checkpoints left are the unmarked ones:\n${t.screen()}`);

      // The command log (every command whole, read page by page): one zfs destroy of each, and no other destroy.
      t.text(K.commands);
      await settled(t, /Command log \(\d+\)/);
      const { commands: log, skipped } = await commandLog(t);
      // A change to the system is starred (a dry run, zfs destroy -n, is a read).
      const destroys = log.filter((l) => /^\S+ \* \[.*\] zfs destroy /.test(l));
      assert.equal(destroys.length, 3, `three zfs destroy commands:\n${log.join('\n')}`);
      for (const l of destroys) assert.match(l, /^\S+ \* \[exit 0 .*\] zfs destroy /, l);
      const names = destroys.map((l) => /zfs destroy rpool\/data\/subvol-100-disk-0@(checkpoint-\d+)(?:\s|$)/.exec(l)?.[1]);
      assert.deepEqual(names.sort(), [...doomed].sort(), log.join('\n'));
      // Paging through the log (long by now) shows every row: PgDn never jumps past a row that was not on the screen.
      assert.deepEqual(skipped, [], `rows of the command log PgDn never showed (read back with k): ${skipped.join(', ')}`);
      t.text(`${ESC}q`);
      await t.waitFor(/EXITED 0/);
    } finally {
      t.kill();
    }
  });

  test(`${cols}x${rows}: prune dialog: labels shown, Space keeps one (count and bytes change), Esc destroys nothing`, async () => {
    const t = start(cols, rows, 'prune');
    try {
      await t.waitFor(/Containers \(8\)/);
      let screen = t.screen();
      const before = ckpOf(screen, '100');
      t.text(K.prune);
      screen = await settled(t, /Prune plan[\s\S]*Esc cancel/);
      fits(screen, cols, rows);
      assert.match(screen, /\[x\] 'fresh install' /, 'the label, not only the snapshot name');
      const summary = /(\d+) of (\d+) to destroy, frees (?:at least )?(\S+)/.exec(screen);
      assert.ok(summary, screen);
      const [, n, of, free] = summary;
      assert.match(screen, new RegExp(`y destroy ${n}\\b`));
      const first = dialogLines(screen).find((l) => l.startsWith('> '));
      assert.match(first ?? '', /^> \[x\] 'fresh install'/, `the cursor on the first, to be pruned:\n${screen}`);

      // Space: kept. The count is one less, the bytes less, y names the new count.
      t.text(' ');
      screen = await settled(t, /> \[ \] 'fresh install' .*kept by the operator/);
      fits(screen, cols, rows);
      const after = /(\d+) of (\d+) to destroy, frees (?:at least )?(\S+)/.exec(screen);
      assert.ok(after, screen);
      assert.equal(Number(after[1]), Number(n) - 1, screen);
      assert.equal(after[2], of);
      assert.ok(bytes(after[3]!) < bytes(free!), `frees less: ${free} -> ${after[3]}\n${screen}`);
      assert.match(screen, new RegExp(`y destroy ${Number(n) - 1}\\b`));

      // j Space k Space in one send: the second toggled, then the first back to pruned.
      t.text(`${K.down} k `);
      screen = await settled(t, /> \[x\] 'fresh install'/);
      const lines = dialogLines(screen);
      assert.match(lines.find((l) => /checkpoint-\d+/.test(l) && /\[[ x]\]/.test(l)) ?? '', /\[ \] checkpoint-\d+ .*kept by the operator/, screen);
      assert.match(screen, new RegExp(`${Number(n) - 1} of ${of} to destroy`));

      // Esc: nothing destroyed.
      t.text(ESC);
      screen = await settled(t, /Checkpoints of 100 web/);
      assert.doesNotMatch(screen, /Prune plan/);
      t.text(K.refresh);
      await pause(1000);
      screen = t.screen();
      assert.equal(ckpOf(screen, '100'), before, screen);
      t.text(K.commands);
      await settled(t, /Command log \(\d+\)/);
      const { commands: log } = await commandLog(t);
      assert.ok(log.length > 0, 'the log lists the commands that ran');
      // A change to the system is starred; the plan's dry run (zfs destroy -n) is a read.
      assert.deepEqual(
        log.filter((l) => /^\S+ \* \[.*\] zfs destroy/.test(l)),
        [],
        `no destroy ran:\n${log.join('\n')}`,
      );
      t.text(`${ESC}q`);
      await t.waitFor(/EXITED 0/);
    } finally {
      t.kill();
    }
  });

  test(`${cols}x${rows}: container marks: Space on two, "2 marked", c and one label: one zfs snapshot of both`, async () => {
    const t = start(cols, rows, 'group');
    try {
      await t.waitFor(/Containers \(8\)/);
      // Space j Space: 100 and 101 marked.
      t.text(`${K.markContainer}${K.down}${K.markContainer}`);
      let screen = await settled(t, /^lxcri-console .* 2 marked$/m);
      fits(screen, cols, rows);
      assert.match(screen, /│ 100 \*web /);
      assert.match(screen, /│▸101 \*db /);
      t.text(K.checkpoint);
      screen = await settled(t, /Checkpoint of 2 marked containers[\s\S]*this label on each: 100 101/);
      fits(screen, cols, rows);
      t.text(`grp-9${ENTER}`);
      screen = await t.waitFor(/checkpoint of .*done/);

      // The command log: one zfs snapshot, with the label, of both datasets.
      t.text(K.commands);
      screen = await settled(t, /Command log \(\d+\)/);
      fits(screen, cols, rows);
      let { commands: log } = await commandLog(t);
      const snaps = log.filter((l) => /\] zfs snapshot /.test(l));
      assert.equal(snaps.length, 1, `one zfs snapshot command:\n${log.join('\n')}`);
      assert.match(snaps[0]!, /^\S+ \* \[exit 0 .*\] zfs snapshot /, snaps[0]);
      t.text(ESC);

      // Ground truth: both trees show the label on a new checkpoint of the same name.
      const names: string[] = [];
      for (const id of ['100', '101']) {
        t.text(`${K.top}${id === '101' ? K.down : ''}`);
        await settled(t, new RegExp(`│▸${id} `));
        t.text(`${TAB}${K.top}${K.down}`);
        screen = await settled(t, /│label\s+grp-9\s/);
        assert.match(screen, new RegExp(`Checkpoints of ${id} `));
        assert.match(treeView(screen).rows[1]!, /"grp-9"/, screen);
        names.push(detailsCheckpoint(screen)!);
        t.text(`${TAB}${TAB}${TAB}`);
        await pause(300);
      }
      assert.equal(names[0], names[1], 'one group checkpoint: one snapshot name on both');

      // The command log names both datasets of that one command: what ran must be readable in full (its wrapped rows
      // joined).
      t.text(K.commands);
      await settled(t, /Command log \(\d+\)/);
      const read = await commandLog(t);
      log = read.commands;
      const snap = log.filter((l) => /\] zfs snapshot /.test(l));
      assert.equal(snap.length, 1, `one zfs snapshot command:\n${log.join('\n')}`);
      assert.match(snap[0]!, /zfs snapshot .*-o lxcri:label=grp-9 /, snap[0]);
      assert.match(
        snap[0]!,
        new RegExp(`zfs snapshot .*rpool/data/subvol-100-disk-0@${names[0]} rpool/data/subvol-101-disk-0@${names[0]}$`),
        `the one zfs snapshot names both datasets:\n${log.join('\n')}`,
      );
      // Read in full by paging: PgDn shows the next rows, none of them skipped (the scroll hints take rows too).
      assert.deepEqual(read.skipped, [], `rows of the command log PgDn never showed (read back with k): ${read.skipped.join(', ')}`);
      // Whole and as it ran: an argument longer than a row (zfs list's -o property list) is cut across rows, and its
      // rows joined read it back as one word, no space put into it.
      const lists = log.filter((l) => /\] zfs list -Hp -r -t all -o /.test(l));
      assert.ok(lists.length > 0, log.join('\n'));
      for (const l of lists)
        assert.match(
          l,
          /\] zfs list -Hp -r -t all -o name,type,\S*,mounted,userrefs,\S*,lxcri:kind,\S*lxcri:branch,lxcri:replicated,lxcri:replica-of,lxcri:moved-from(?: rpool)?$/,
          l,
        );
      t.text(`${ESC}q`);
      await t.waitFor(/EXITED 0/);
    } finally {
      t.kill();
    }
  });

  test(`${cols}x${rows}: restore dialog: the service's fate first, v shows and hides the zfs steps, Ctrl-V in rollback`, async () => {
    const t = start(cols, rows, 'restore');
    try {
      await t.waitFor(/Containers \(8\)/);
      // 100 web (running): Tab, G (the oldest checkpoint, "fresh install"), r.
      t.text(`${TAB}${K.bottom}${K.restore}`);
      let screen = await settled(t, /Restore 100 to checkpoint-\d+[\s\S]*\[\*\] branch restore/);
      fits(screen, cols, rows);
      let lines = dialogLines(screen);
      assert.match(lines[0]!, /^Restore 100 to checkpoint-\d+$/);
      assert.match(lines[1]!, /\[\*\] branch restore/);
      assert.match(lines[2]!, /^web \(running\) shuts down\b/, `the first line of the preview is the service's fate:\n${screen}`);
      assert.match(screen, /-> disk switches to 'fresh install'/);
      assert.match(screen, /v: show the zfs steps/);
      assert.doesNotMatch(screen, /zfs steps \(/);

      t.text('v');
      screen = await settled(t, /zfs steps \(v hides them\)/);
      fits(screen, cols, rows);
      assert.match(screen, /rpool\/data\/subvol-100-disk-0@checkpoint-\d+/);
      assert.match(screen, /1\. snapshot the live state/);
      t.text('v');
      screen = await settled(t, /v: show the zfs steps/);
      assert.doesNotMatch(screen, /zfs steps \(/);

      // Tab: rollback, with its typed field: v types, Ctrl-V shows the steps (and hides them).
      t.text(TAB);
      screen = await settled(t, /\[\*\] rollback[\s\S]*Ctrl-V: show the zfs steps/);
      fits(screen, cols, rows);
      lines = dialogLines(screen);
      assert.match(lines[2]!, /^web \(running\) shuts down\b/, screen);
      t.text(`v${CTRL_V}`);
      screen = await settled(t, /zfs steps \(Ctrl-V hides them\)/);
      fits(screen, cols, rows);
      assert.match(screen, /to roll back \(no undo\): v /, 'v went into the field');
      // At 80x24 the six checkpoints a rollback destroys fill the dialog: the steps are below, PgDn shows them.
      if (!/destroys snapshot/.test(screen)) t.keys('NPage');
      screen = await settled(t, /destroys snapshot rpool\/data\/subvol-100-disk-0@checkpoint-\d+/);
      fits(screen, cols, rows);
      t.text(CTRL_V);
      screen = await settled(t, /Ctrl-V: show the zfs steps/);
      assert.doesNotMatch(screen, /zfs steps \(/);

      // Esc; 104 cache (stopped): the fate says it is not started.
      t.text(`${ESC}${TAB}${TAB}${TAB}`);
      await pause(400);
      t.text(`${K.top}${K.down.repeat(4)}`);
      await settled(t, /│▸104 /);
      t.text(`${TAB}${K.bottom}${K.restore}`);
      screen = await settled(t, /Restore 104 to checkpoint-\d+/);
      fits(screen, cols, rows);
      lines = dialogLines(screen);
      assert.match(lines[2]!, /^cache \(stopped\) (is not started|stays stopped)/, screen);
      t.text(`${ESC}q`);
      await t.waitFor(/EXITED 0/);
    } finally {
      t.kill();
    }
  });

  test(`${cols}x${rows}: space view: P, into the pool, s sorts, into a container, Backspace back on it`, async () => {
    const t = start(cols, rows, 'space');
    try {
      await t.waitFor(/Containers \(8\)/);
      t.text(`${K.pool}${ENTER}`);
      let screen = await settled(t, /Space: pools › rpool {3}sort: size/);
      fits(screen, cols, rows);
      const listed = (s: string) =>
        [...s.matchAll(/^([ ▸])(\d{3}) +(\S+) +(\S+)  /gm)].map((m) => ({ cur: m[1] === '▸', id: m[2]!, name: m[3]!, total: bytes(m[4]!) }));
      let list = listed(screen);
      assert.ok(list.length >= 6, screen);
      assert.deepEqual(
        list.map((r) => r.total),
        [...list.map((r) => r.total)].sort((a, b) => b - a),
        `biggest first:\n${screen}`,
      );

      t.text(K.sort);
      screen = await settled(t, /sort: name/);
      list = listed(screen);
      assert.deepEqual(
        list.map((r) => r.name),
        [...list.map((r) => r.name)].sort(),
        `by name:\n${screen}`,
      );
      assert.notDeepEqual(
        list.map((r) => r.total),
        [...list.map((r) => r.total)].sort((a, b) => b - a),
      );
      // The cursor to 103 mail, by name order, then in: its breakdown in words.
      const row = list.findIndex((r) => r.id === '103');
      t.text(`${K.top}${K.down.repeat(row)}${ENTER}`);
      screen = await settled(t, /Space: pools › rpool › 103 mail/);
      fits(screen, cols, rows);
      for (const words of [/live data/, /checkpoints' own space/, /shared between checkpoints/, /branches/, /total/]) assert.match(screen, words);
      t.text(BACKSPACE);
      screen = await settled(t, /Space: pools › rpool {3}sort: name/);
      assert.equal(listed(screen).find((r) => r.cur)?.id, '103', `back with the cursor on 103:\n${screen}`);
      t.text(`${ESC}q`);
      await t.waitFor(/EXITED 0/);
    } finally {
      t.kill();
    }
  });
}

test('80x24 --ascii: the tree, marks, the delete summary, the prune dialog and the space view are plain ASCII', async () => {
  const t = start(80, 24, 'ascii', ' --ascii');
  const ascii = (s: string) => {
    const bad = [...s].filter((c) => c.charCodeAt(0) > 0x7e || (c.charCodeAt(0) < 0x20 && c !== '\n'));
    assert.deepEqual(bad, [], `non-ASCII on the screen:\n${s}`);
  };
  try {
    let screen = await t.waitFor(/Containers \(8\)[\s\S]*NOW .*<- you are here/);
    ascii(screen);
    t.text(`${TAB}${K.down}${K.mark}${K.down}${K.range}`);
    screen = await settled(t, /2 marked, frees at least \S+/);
    ascii(screen);
    fits(screen, 80, 24);
    t.text(K.deleteMarked);
    screen = await settled(t, /Delete 2 marked checkpoints of 100/);
    ascii(screen);
    fits(screen, 80, 24);
    t.text(`${ESC}${ESC}${K.prune}`);
    screen = await settled(t, /Prune plan/);
    ascii(screen);
    fits(screen, 80, 24);
    t.text(`${ESC}${K.pool}${ENTER}`);
    screen = await settled(t, /Space: pools .* rpool {3}sort: size/);
    ascii(screen);
    t.text(`${ESC}q`);
    await t.waitFor(/EXITED 0/);
  } finally {
    t.kill();
  }
});
