import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PtyProgram } from '../support/terminal-bytes.js';

// The console as an admin sees it over SSH: the demo on a real 120x35 pty, every byte it writes to the terminal counted.
// The demo refreshes its world every 5 s (config ui.refresh_seconds); an idle stretch of 6.5 s spans at least one.
const FIRST_FRAME = /Containers \(8\)[\s\S]*NOW <- you are here/;

test('over SSH: an idle console writes nothing (a refresh that changes nothing draws nothing); one j writes a fraction of a frame', async () => {
  const p = PtyProgram.start([process.execPath, '--import', 'tsx', 'src/cli/bin.ts', '--demo'], { columns: 120, rows: 35 });
  try {
    await p.waitFor(FIRST_FRAME);
    // The first refresh's frames settle (the demo's first frame shows before its first refresh ends).
    await p.settle(1000, 10_000);
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
