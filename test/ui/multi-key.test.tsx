import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEY, plain, renderConsole } from '../support/ui.js';

// Every test writes several keys in ONE stdin write: one read, as type-ahead, key repeat or a paste over SSH delivers them.
type Console = Awaited<ReturnType<typeof renderConsole>>;
const write = async (c: Console, chunk: string) => {
  c.stdin.write(chunk);
  await c.settle();
};
const selectedTree = (c: Console) => /Checkpoints of (\d+)/.exec(plain(c.frame()))?.[1];

test('"jjj" in one read moves three rows; "kj" then back and forth', async () => {
  const c = await renderConsole();
  assert.equal(selectedTree(c), '100');
  await write(c, 'jjj');
  assert.equal(selectedTree(c), '103');
  assert.equal(c.controller.ui.getState().selected, '103');
  await write(c, 'kkj');
  assert.equal(selectedTree(c), '102');
  c.unmount();
});

test('30 j in one read go to the end of the list; arrows in one read are one key each', async () => {
  const c = await renderConsole();
  await write(c, 'j'.repeat(30));
  assert.equal(selectedTree(c) ?? c.controller.ui.getState().selected, '107');
  await write(c, `${KEY.up}${KEY.up}${KEY.up}`);
  assert.equal(c.controller.ui.getState().selected, '104');
  await write(c, `${KEY.down}${KEY.up}${KEY.down}${KEY.down}`);
  assert.equal(c.controller.ui.getState().selected, '106');
  c.unmount();
});

test('Esc and a key in one read: the dialog closes, then the key acts (not Alt-key)', async () => {
  const c = await renderConsole();
  await c.press('c');
  assert.match(plain(c.frame()), /Checkpoint of 100 web/);
  await write(c, `${KEY.esc}j`);
  assert.equal(c.controller.ui.getState().mode, 'normal');
  assert.equal(selectedTree(c), '101');
  assert.doesNotMatch(plain(c.frame()), /Checkpoint of 100 web/);
  // Help open, Esc + ? in one read: closed, then opened again.
  await c.press('?');
  await write(c, `${KEY.esc}?`);
  assert.equal(c.controller.ui.getState().mode, 'help');
  await write(c, `${KEY.esc}${KEY.esc}`);
  assert.equal(c.controller.ui.getState().mode, 'normal');
  c.unmount();
});

test('a key and a view change in one read: Tab then k moves the tree cursor', async () => {
  const c = await renderConsole();
  await write(c, `j${KEY.tab}k`);
  assert.match(plain(c.frame()), /label\s+hotfix branch/);
  c.unmount();
});

test('pasted text in the filter is typed character by character; Enter in the same read ends it', async () => {
  const c = await renderConsole();
  await write(c, '/mail');
  assert.match(plain(c.frame()), /Containers \(1\) \/mail/);
  await write(c, `${KEY.backspace}${KEY.backspace}${KEY.backspace}${KEY.backspace}ca${KEY.enter}`);
  assert.match(plain(c.frame()), /Containers \(1\) \/ca/);
  assert.match(plain(c.frame()), /Checkpoints of 104 cache/);
  assert.equal(c.controller.ui.getState().mode, 'normal');
  c.unmount();
});

test('a label pasted into the checkpoint dialog, confirmed in the same read', async () => {
  const c = await renderConsole();
  await write(c, `cpasted label${KEY.enter}`);
  assert.match(plain(c.frame()), /"pasted label"/);
  assert.match(plain(c.frame()), /checkpoint of 100: done/);
  c.unmount();
});
