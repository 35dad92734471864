import assert from 'node:assert/strict';
import { test } from 'node:test';
import { showProgress } from '../../src/cli/progress.js';
import { createCoreStore } from '../../src/core/store.js';
import { formatDuration, operationText, transferText } from '../../src/present/progress-text.js';

// A long operation's progress as the console's status line and the CLI's stderr show it (issue 11: bytes, rate, time
// left of a send against its estimate).

test('a stream against its estimate: bytes, share, rate and time left', () => {
  const t0 = 1_000_000;
  assert.equal(transferText({ done: 4 * 1024 * 1024, total: 16 * 1024 * 1024, startedAt: t0 }, t0 + 2000), '4M of ~16M (25%), 2M/s, ~6s left');
  // zfs-fuse's estimate is a guess: past it, no share above 99% and no time left.
  assert.equal(transferText({ done: 20 * 1024 * 1024, total: 16 * 1024 * 1024, startedAt: t0 }, t0 + 4000), '20M of ~16M (99%), 5M/s');
  assert.equal(transferText({ done: 1024, total: 0, startedAt: t0 }, t0 + 1000), '1K, 1K/s');
  assert.deepEqual([formatDuration(42), formatDuration(185), formatDuration(3720)], ['42s', '3m05s', '1h02m']);
  const op = { title: 'replicate 301 to pve2', step: 'send -I a b (2 snapshot(s))', startedAt: t0 };
  assert.equal(operationText(op, t0 + 3500), 'replicate 301 to pve2: send -I a b (2 snapshot(s)) (3s)');
  assert.equal(
    operationText({ ...op, transfer: { done: 1024 * 1024, total: 2 * 1024 * 1024, startedAt: t0 + 2500 } }, t0 + 3500),
    'replicate 301 to pve2: 1M of ~2M (50%), 1M/s, ~1s left (3s) - send -I a b (2 snapshot(s))',
  );
});

function sink() {
  const written: string[] = [];
  return { written, write: (s: string) => void written.push(s), columns: 40 };
}

test('CLI progress on a terminal: one line rewritten in place, cut to the width, taken off before other output and at the end', () => {
  const store = createCoreStore();
  const s = sink();
  let now = 0;
  const p = showProgress([store], s, { live: true, now: () => now });
  store.setState({ busy: 1, mutating: 0, operation: { title: 'refresh', step: 'reading', startedAt: 0 } });
  assert.equal(s.written.length, 0, 'reads are not shown');
  now = 2000;
  store.setState({ busy: 1, mutating: 1, operation: { title: 'replicate 301 to pve2', step: 'send a long step title here', startedAt: 0 } });
  assert.equal(s.written.at(-1), '\r\x1b[Kreplicate 301 to pve2: send a long ste…');
  p.clear();
  assert.equal(s.written.at(-1), '\r\x1b[K');
  const before = s.written.length;
  p.clear();
  assert.equal(s.written.length, before, 'nothing shown, nothing to clear');
  store.setState({ operation: { title: 'x', step: 'y', startedAt: 0 } });
  p.stop();
  assert.equal(s.written.at(-1), '\r\x1b[K');
  store.setState({ operation: { title: 'after', step: 'stop', startedAt: 0 } });
  assert.ok(!s.written.some((w) => w.includes('after')), 'nothing after stop');
});

test('CLI progress as lines (--progress, not a terminal): each step once, a stream when it starts and every 5 s, names made safe', () => {
  const store = createCoreStore();
  const s = sink();
  let now = 0;
  const p = showProgress([store], s, { live: false, now: () => now });
  const op = { title: 'replicate 301 to pve2', step: 'send a\x1b[31m', startedAt: 0 };
  store.setState({ busy: 1, mutating: 1, operation: op });
  store.setState({ busy: 1, mutating: 1, operation: { ...op } });
  const transfer = (done: number) => ({ done, total: 4096, startedAt: 0 });
  now = 1000;
  store.setState({ operation: { ...op, transfer: transfer(1024) } });
  now = 2000;
  store.setState({ operation: { ...op, transfer: transfer(2048) } });
  now = 6500;
  store.setState({ operation: { ...op, transfer: transfer(3072) } });
  store.setState({ operation: { ...op, step: 'hold the new bases' } });
  p.stop();
  assert.equal(s.written.length, 4, s.written.join(''));
  assert.ok(s.written.every((l) => l.endsWith('\n') && !l.includes('\x1b')));
  assert.match(s.written[1]!, /: 1K of ~4K \(25%\)/);
  assert.match(s.written[2]!, /: 3K of ~4K \(75%\)/);
  assert.match(s.written[3]!, /hold the new bases/);
});
