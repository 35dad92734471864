import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plain, renderConsole } from '../support/ui.js';

test('moving through the containers builds each tree from the listing in memory: no command per navigation key', async () => {
  const c = await renderConsole();
  const runner = c.core.ctx.runner;
  const run = runner.run.bind(runner);
  const commands: string[] = [];
  runner.run = (command, options) => {
    commands.push([command.tool, ...command.args].join(' '));
    return run(command, options);
  };
  const first = plain(c.frame());
  for (const id of ['down', 'down', 'down', 'up'] as const) await c.command(id);
  assert.notEqual(plain(c.frame()), first, 'the selection and its tree changed');
  assert.match(plain(c.frame()), /Checkpoints of /);
  assert.deepEqual(commands, [], 'no process for navigation');
  c.unmount();
});

test('opening the restore dialog reads the container once for both its plans (branch and rollback)', async () => {
  const c = await renderConsole();
  await c.command('next-pane');
  await c.command('up');
  const runner = c.core.ctx.runner;
  const run = runner.run.bind(runner);
  const reads: string[] = [];
  runner.run = (command, options) => {
    if (command.tool === 'zfs' && ['list', 'get'].includes(command.args[0]!)) reads.push(command.args.join(' '));
    return run(command, options);
  };
  await c.command('restore');
  assert.match(plain(c.frame()), /Restore 100 to checkpoint-/);
  assert.equal(reads.length, 1, reads.join('\n'));
  c.unmount();
});

test('an events.log line this console already read past costs no read; a newer change does', async () => {
  const c = await renderConsole();
  const runner = c.core.ctx.runner;
  const run = runner.run.bind(runner);
  let listings = 0;
  runner.run = (command, options) => {
    if (command.tool === 'zfs' && command.args[0] === 'list') listings++;
    return run(command, options);
  };
  const before = Date.now() - 1000;
  await c.controller.refresh();
  assert.equal(listings, 1);
  await c.controller.refreshAfter(before);
  assert.equal(listings, 1, 'the read that just ran began after that change');
  await c.controller.refreshAfter(Date.now() + 1);
  assert.equal(listings, 2, 'a change after the last read is read');
  c.unmount();
});
