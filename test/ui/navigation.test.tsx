import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIELD_MODE_BINDINGS, overlayBindings } from '../../src/app/bindings.js';
import { plain, renderConsole } from '../support/ui.js';

/** The details pane's value for a key (the first row that starts with it). */
const detail = (f: string, key: string) => new RegExp(`│${key}\\s+([^│]*?)\\s*│`).exec(f)?.[1];

test('every list moves by g/G, PgUp/PgDn and Ctrl-D/U, and a windowed pane says how many rows it hides', async () => {
  const c = await renderConsole();
  // Containers pane: a header row names the columns; G goes to the last container, g back to the first.
  assert.match(plain(c.frame()), /│ ID +NAME +STATUS +FLAG +CKP +SNAPS│/);
  await c.command('bottom');
  assert.match(plain(c.frame()), /Checkpoints of 107 legacy/);
  await c.command('top');
  assert.match(plain(c.frame()), /Checkpoints of 100 web/);
  await c.command('half-down');
  assert.doesNotMatch(plain(c.frame()), /Checkpoints of 100 web/, 'half a page moves on');

  // db's tree is taller than its pane at 80x24: the tree pane says what it hides, and every move reaches both ends.
  await c.command('top');
  await c.command('down');
  await c.command('next-pane');
  let f = plain(c.frame());
  assert.match(f, /Checkpoints of 101 db/);
  assert.match(f, /↑ \d+ more/, 'rows above the cursor are counted');
  await c.command('top');
  f = plain(c.frame());
  assert.equal(detail(f, 'label'), 'schema v1', 'g: the first checkpoint');
  assert.match(f, /↓ \d+ more/);
  assert.doesNotMatch(f, /↑ \d+ more/);
  await c.command('page-down');
  assert.notEqual(detail(plain(c.frame()), 'label'), 'schema v1', 'a page down');
  await c.command('bottom');
  f = plain(c.frame());
  assert.match(f, /▸◉ +NOW .*<- you are here/, 'G: the last row');
  await c.command('half-up');
  assert.doesNotMatch(plain(c.frame()), /▸◉ +NOW .*<- you are here/);
  c.unmount();
});

test('/ in the tree searches the tree (names and labels): the cursor jumps as it is typed, n and N go on, Esc drops it', async () => {
  const c = await renderConsole();
  await c.command('down');
  await c.command('next-pane');
  await c.command('search', undefined, 'tree');
  assert.doesNotMatch(plain(c.frame()), /filter:/, 'not the container filter');
  await c.type('migration');
  let f = plain(c.frame());
  assert.match(f, /search: migration/);
  assert.match(f, /3 matches/);
  const first = detail(f, 'label');
  assert.match(first ?? '', /migration/);
  await c.command('confirm', FIELD_MODE_BINDINGS);
  await c.command('search-next', undefined, 'tree');
  const second = detail(plain(c.frame()), 'label');
  assert.match(second ?? '', /migration/);
  assert.notEqual(second, first);
  await c.command('search-prev', undefined, 'tree');
  assert.equal(detail(plain(c.frame()), 'label'), first);
  // The containers list was never filtered.
  f = plain(c.frame());
  assert.match(f, /Containers \(8\)/);
  c.unmount();
});

test('help lists every key from the tables, the text-field keys too, and scrolls', async () => {
  const c = await renderConsole();
  await c.command('help');
  let f = plain(c.frame());
  assert.match(f, /Move \(every list and view\)/);
  assert.match(f, /g\/Home +first row/);
  assert.match(f, /↓ \d+ more/, 'at 80x24 the help is taller than the screen');
  await c.command('bottom', overlayBindings('help'));
  f = plain(c.frame());
  assert.match(f, /Text fields/);
  assert.match(f, /Ctrl-W +delete the word before the cursor/);
  assert.match(f, /Ctrl-A/);
  assert.match(f, /↑ \d+ more/);
  await c.command('close', overlayBindings('help'));
  assert.match(plain(c.frame()), /Containers \(8\)/);
  c.unmount();
});

test('y copies the full snapshot name under the tree cursor to the terminal clipboard', async () => {
  const copied: string[] = [];
  const c = await renderConsole({ clipboard: (t) => copied.push(t) });
  await c.command('next-pane');
  await c.command('up');
  await c.command('copy', undefined, 'tree');
  assert.equal(copied.length, 1);
  assert.match(copied[0]!, /^rpool\/data\/subvol-100-disk-0@checkpoint-\d+$/);
  assert.match(plain(c.frame()), /copied rpool\/data\/subvol-100-disk-0@checkpoint-/);
  // On NOW there is no snapshot to copy: it says why.
  await c.command('bottom');
  await c.command('copy', undefined, 'tree');
  assert.equal(copied.length, 1);
  assert.match(plain(c.frame()), /put the tree cursor on a checkpoint/);
  c.unmount();
});

test('the details pane scrolls: every row of a checkpoint is reachable at 80x24, long names wrap instead of being cut', async () => {
  const c = await renderConsole();
  await c.command('next-pane');
  await c.command('up');
  await c.command('next-pane');
  let f = plain(c.frame());
  assert.match(f, /│checkpoint +checkpoint-\d+/);
  assert.match(f, /↓ \d+ more/);
  await c.command('bottom');
  f = plain(c.frame());
  // The full snapshot name is the last row, wrapped over two rows of the pane, and nothing is below it.
  assert.match(f, /│snapshot +rpool\/data\/subvol-100-disk-0/);
  assert.match(f, /│ +@checkpoint-\d+ +│/);
  assert.doesNotMatch(f, /↓ \d+ more/);
  assert.match(f, /↑ \d+ more/);
  await c.command('top');
  assert.match(plain(c.frame()), /│checkpoint +checkpoint-\d+/);
  c.unmount();
});

test('a dialog taller than the screen scrolls with the arrows and PgUp/PgDn, down to its last line', async () => {
  const c = await renderConsole();
  await c.command('down');
  await c.command('undo');
  await c.dialogCommand('steps');
  let f = plain(c.frame());
  assert.match(f, /Undo the last restore of 101/);
  assert.match(f, /↓ \d+ more/, 'the plan with its steps is taller than 80x24');
  const steps = (c.controller.ui.getState().dialog as { plan: { steps: string[] } }).plan.steps;
  const last = steps[steps.length - 1]!.split(' ').slice(0, 3).join(' ');
  assert.ok(!f.includes(`${steps.length}. ${last}`), 'the last step is below');
  for (let i = 0; i < 5; i++) await c.dialogCommand('page-down');
  f = plain(c.frame());
  assert.ok(f.includes(`${steps.length}. ${last}`), `the last step shows:\n${f}`);
  assert.doesNotMatch(f, /↓ \d+ more/);
  assert.match(f, /↑ \d+ more/);
  await c.dialogCommand('up');
  assert.match(plain(c.frame()), /↓ \d+ more/, 'one up shows the hint below again');
  c.unmount();
});

test('the tree cursor stays on its node when another console adds a checkpoint above it', async () => {
  const c = await renderConsole();
  await c.command('next-pane');
  assert.match(plain(c.frame()), /▸◉ +NOW .*<- you are here/);
  // Another console (the same host, another core) checkpoints web: a row appears just above NOW.
  await c.core.checkpoint(['100'], { label: 'from elsewhere' });
  await c.controller.refresh();
  await c.settle();
  const f = plain(c.frame());
  assert.match(f, /"from elsewhere"/);
  assert.match(f, /▸◉ +NOW .*<- you are here/, `the cursor stayed on NOW:\n${f}`);
  c.unmount();
});

test('Esc in the tree drops an applied tree search', async () => {
  const c = await renderConsole();
  await c.command('down');
  await c.command('next-pane');
  await c.command('search', undefined, 'tree');
  await c.type('migration');
  await c.command('confirm', FIELD_MODE_BINDINGS);
  assert.match(plain(c.frame()), /search: migration/);
  await c.command('close');
  assert.doesNotMatch(plain(c.frame()), /search: migration/);
  c.unmount();
});
