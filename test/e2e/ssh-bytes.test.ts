import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PtyProgram } from '../support/terminal-bytes.js';
import { TmuxSession } from '../support/tmux.js';

// The console as an admin sees it over SSH: the demo on a real 120x35 pty, every byte it writes to the terminal counted.
// The demo refreshes its world every 5 s (config ui.refresh_seconds); an idle stretch of 6.5 s spans at least one.
const FIRST_FRAME = /Containers \(8\)[\s\S]*NOW .*<- you are here/;

test('over SSH: an idle console writes nothing (a refresh that changes nothing draws nothing); one j writes a fraction of a frame', async () => {
  const p = PtyProgram.start([process.execPath, '--import', 'tsx', 'src/cli/bin.ts', '--demo'], { columns: 120, rows: 35 });
  try {
    await p.waitFor(FIRST_FRAME);
    // The first refresh's frames settle (the demo's first frame shows before its first refresh ends).
    await p.settle(1000, 10_000);
    // Ages tick once a minute (a minute that passes is a change worth drawing): the idle stretch starts where it ends
    // before the next minute does.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 52_000) {
      await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 500));
      await p.settle(1000, 10_000);
    }
    const idle = await p.bytesDuring(6500);
    const idleText = JSON.stringify(p.since(p.bytes() - idle)).slice(0, 600);
    assert.equal(idle, 0, `an idle 6.5 s (one refresh or more) wrote ${idle} bytes: ${idleText}`);

    const before = p.bytes();
    p.type('j');
    await p.waitFor(/Checkpoints of 101 db/);
    await p.settle(500, 5000);
    const j = p.bytes() - before;
    assert.ok(j <= 1500, `one j wrote ${j} bytes (a full frame is ~6.8 KB)`);
    // What the terminal shows after those bytes is the whole new screen, not a partial one.
    const screen = p.screen();
    assert.match(screen, /▸101 +db +running/);
    assert.match(screen, /^lxcri-console .*79% ONLINE/m);
  } finally {
    await p.stop();
  }
});

/** Lines without trailing blanks, trailing empty lines dropped: how tmux and the frame file compare. */
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');

test('over SSH: after every step (navigation, dialogs, help, pool view, resizes) the real terminal shows exactly the frame Ink drew', async () => {
  // The console writes only what changed (src/app/screen-diff.ts: cursor moves, erases, colour changes kept short);
  // tmux, a real terminal, is the judge of what those bytes draw. LXCRI_FRAME_FILE: the console writes Ink's own
  // frame (as text) there after each frame it draws.
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-frames-'));
  const frameFile = join(dir, 'frame.txt');
  const name = 'lxcri-ssh-frames';
  const t = TmuxSession.start(name, `${process.execPath} --import tsx src/cli/bin.ts --demo`, 120, 35, {
    LXCRI_FRAME_FILE: frameFile,
    LXCRI_DEMO_DIR: join(dir, 'demo'),
  });
  const resize = (columns: number, rows: number) => execFileSync('tmux', ['resize-window', '-t', name, '-x', String(columns), '-y', String(rows)]);
  const read = () => [lines(t.screen()), existsSync(frameFile) ? lines(readFileSync(frameFile, 'utf8')) : ''] as const;
  /**
   * Waits until Ink drew a frame other than `last` (for a step that changes the screen) and what tmux shows is that
   * frame, still so a moment later; fails with both if they never agree.
   */
  const agree = async (step: string, last?: string): Promise<string> => {
    const until = Date.now() + 8000;
    let [screen, frame] = read();
    while (Date.now() < until) {
      [screen, frame] = read();
      if (frame && screen === frame && frame !== last) {
        await new Promise((r) => setTimeout(r, 300));
        const [again, latest] = read();
        if (latest === frame && again === frame) return frame;
        continue;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.notEqual(frame, last, `${step} changed the screen`);
    assert.equal(screen, frame, `after ${step}: the terminal (first) is not the frame Ink drew (second)`);
    return frame;
  };
  try {
    await t.waitFor(FIRST_FRAME);
    let last = await agree('the first frame');
    const steps: Array<[string, () => void, RegExp?]> = [
      ['j', () => t.keys('j'), /Checkpoints of 101 db/],
      ['j', () => t.keys('j'), /Checkpoints of 102/],
      ['k k', () => t.keys('k', 'k'), /Checkpoints of 100 web/],
      ['G', () => t.keys('G'), /▸107/],
      ['g', () => t.keys('g'), /▸100/],
      ['j Tab (tree of db)', () => t.keys('j', 'Tab')],
      ['j in the tree (newest first: from NOW down)', () => t.keys('j')],
      ['j j j in the tree', () => t.keys('j', 'j', 'j')],
      ['g in the tree', () => t.keys('g')],
      ['G in the tree', () => t.keys('G')],
      ['? (help)', () => t.keys('?'), /Keys — Esc, q or \? closes/],
      ['Esc', () => t.keys('Escape')],
      ['P (space view)', () => t.keys('P'), /Space: pools {3}sort: size/],
      ['Esc', () => t.keys('Escape')],
      ['c (checkpoint dialog)', () => t.keys('c'), /Checkpoint of 101 db/],
      ['a label typed', () => t.text('a label')],
      ['Esc', () => t.keys('Escape')],
      ['Shift-Tab k (containers: 100)', () => t.keys('BTab', 'k'), /Checkpoints of 100 web/],
      ['resize to 100x30', () => resize(100, 30)],
      ['j after the resize', () => t.keys('j'), /Checkpoints of 101 db/],
      ['resize to 132x40', () => resize(132, 40)],
      ['k', () => t.keys('k'), /Checkpoints of 100 web/],
      ['resize to 120x35', () => resize(120, 35)],
    ];
    for (const [step, act, shows] of steps) {
      act();
      last = await agree(step, last);
      if (shows) assert.match(last, shows, `after ${step}`);
    }
  } finally {
    t.kill();
  }
});
