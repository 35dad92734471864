import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plain, renderConsole } from '../support/ui.js';

const lines = (frame: string) => plain(frame).split('\n');
/** React commits asynchronously; the controller's idle() would wait for the busy count these tests set by hand. */
const commit = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((res) => setImmediate(res));
    await new Promise((res) => setTimeout(res, 0));
  }
};

test('at 80x24 the header keeps pool % and health; progress has its own line and leaves the header and the lists alone', async () => {
  const r = await renderConsole({ size: { columns: 80, rows: 24 } });
  try {
    const idle = lines(r.frame());
    assert.match(idle[0]!, /rpool .*79% ONLINE/, idle[0]);
    assert.ok(idle[0]!.length <= 80, idle[0]);

    // A change in progress (a checkpoint): shown at once, on the line above the key legend.
    r.core.store.setState({
      busy: 1,
      mutating: 1,
      operation: { title: 'checkpoint 100', step: 'snapshot rpool/data/subvol-100-disk-0', startedAt: Date.now() },
    });
    await commit();
    const busy = lines(r.frame());
    const status = busy.length - 2;
    assert.match(busy[status]!, /checkpoint 100: snapshot rpool\/data\/subvol-100-disk-0 \(\ds\)/, busy.join('\n'));
    assert.equal(busy[0], idle[0], 'the header is untouched');
    assert.deepEqual(busy.slice(1, status), idle.slice(1, status), 'the panes are untouched');
    assert.equal(busy.length, idle.length);

    // A read (the periodic refresh) is shown only once it has taken more than a second.
    r.core.store.setState({ busy: 1, mutating: 0, operation: { title: 'refresh', step: 'listing', startedAt: Date.now() } });
    await commit();
    assert.deepEqual(lines(r.frame()), idle, 'a fresh read draws nothing');
    await new Promise((res) => setTimeout(res, 1100));
    await commit();
    assert.match(lines(r.frame())[status]!, /refresh: listing \(1s\)/);
    r.core.store.setState({ busy: 0, mutating: 0, operation: undefined });
    await r.settle();
    assert.deepEqual(lines(r.frame()), idle);
  } finally {
    r.unmount();
  }
});

test('at 80 columns a read-only badge and an interrupted-operations notice still leave pool % and health', async () => {
  const r = await renderConsole({ size: { columns: 80, rows: 24 }, readOnly: true });
  try {
    r.controller.ui.setState({ interrupted: [{ id: 'x' }, { id: 'y' }] as never });
    await r.settle();
    const header = lines(r.frame())[0]!;
    assert.match(header, /READ-ONLY/);
    assert.match(header, /79% ONLINE/);
    assert.match(header, /2 interrupted operations: press I/);
    assert.ok(header.length <= 80, header);
  } finally {
    r.unmount();
  }
});
