import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { TmuxSession } from '../support/tmux.js';

const BIN = 'node dist/bundle/bin.js';

before(() => {
  execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
});

/** The container row under the cursor: the containers pane marks it with ▸ (the tree's rows start with a glyph, not an id). */
const selectedRow = (screen: string) => /│▸(\d{3}) /.exec(screen)?.[1];

/** Several keys in ONE `send-keys -l`: tmux writes them to the terminal together, so the console reads them at once. */
const together = (t: TmuxSession, keys: string) => execFileSync('tmux', ['send-keys', '-t', t.name, '-l', keys]);

/** Waits until the selected container row is `id`, then checks it stays there (no key handled late moves it on). */
async function selected(t: TmuxSession, id: string, title: RegExp): Promise<string> {
  await t.waitFor(new RegExp(`│▸${id} `));
  await new Promise((r) => setTimeout(r, 400));
  const screen = t.screen();
  assert.equal(selectedRow(screen), id, screen);
  assert.match(screen, title);
  return screen;
}

test('the built console on the demo host: keys sent together are each a key; Esc and a key together close, then act', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lxcri-e2e-keys-'));
  const t = TmuxSession.start('lxcri-e2e-keys', `${BIN} --demo`, 120, 34, { LXCRI_DEMO_DIR: dir });
  try {
    const first = await t.waitFor(/Containers \(8\)[\s\S]*◉ +NOW .*<- you are here/);
    assert.equal(selectedRow(first), '100');

    together(t, 'jjjjj');
    await selected(t, '105', /Checkpoints of 105 build/);

    together(t, 'kk');
    await selected(t, '103', /Checkpoints of 103 mail/);

    // 30 quick j's (key repeat): as far as the list goes, the last of the 8.
    together(t, 'j'.repeat(30));
    await selected(t, '107', /107\s+legacy/);
    together(t, 'k'.repeat(30));
    await selected(t, '100', /Checkpoints of 100 web/);

    // Arrows sent together: one key each.
    together(t, '\x1b[B\x1b[B\x1b[B\x1b[A');
    await selected(t, '102', /Checkpoints of 102 ci-runner/);

    // Esc then j in one send: the checkpoint dialog closes (nothing created), then j moves on.
    together(t, 'j');
    await selected(t, '103', /Checkpoints of 103 mail/);
    together(t, 'c');
    await t.waitFor(/Checkpoint of 103 mail/);
    together(t, '\x1bj');
    const after = await selected(t, '104', /Checkpoints of 104 cache/);
    assert.doesNotMatch(after, /Checkpoint of 103 mail/);
    assert.doesNotMatch(after, /checkpoint of 103: done/);

    // Help open, Esc and k together: help closes, k moves up.
    together(t, '?');
    await t.waitFor(/Keys — Esc, q or \? closes/);
    together(t, '\x1bk');
    const closed = await selected(t, '103', /Containers \(8\)/);
    assert.doesNotMatch(closed, /Esc, q or \? closes/);

    // The filter takes a pasted word character by character; Enter in the same send ends it, j then acts on the list.
    together(t, '/ca\rj');
    await t.waitFor(/Containers \(1\) \/ca/);
    await selected(t, '104', /Checkpoints of 104 cache/);

    t.keys('q');
    await t.waitFor(/EXITED 0/);
  } finally {
    t.kill();
  }
});
