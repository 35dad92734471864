import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { plain, renderConsole } from '../support/ui.js';

const LABEL = 'x\x1b]0;pwned\x07y\x1b[2J\x9b31mz';
const SHOWN_LABEL = 'x\\x1b]0;pwned\\x07y\\x1b[2J\\x9b31mz';
const DS = 'rpool/data/subvol-100-disk-0';
/** Anything a terminal acts on, once the console's own colour codes are taken out of the frame. */
const ACTIVE = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

test('labels, snapshot and container names, events and errors holding escapes are drawn escaped in every pane', async () => {
  const c = await renderConsole();
  // Wide enough for the details pane to show a whole snapshot name.
  Object.defineProperty(c.stdout, 'columns', { value: 200, configurable: true });
  c.stdout.emit('resize');
  const sim = c.host.runner.zfs;
  const latest = sim.snapshotsOf(DS).at(-1)!;
  latest.local['lxcri:label'] = LABEL;
  sim.snapshot([`${DS}@evil\x1b[2Jname\x07`], { 'lxcri:kind': 'checkpoint' }, false);
  c.host.runner.containers.get('100')!.name = 'w\x1b]0;t\x07eb';
  c.core.store.setState({
    events: [
      { ts: new Date().toISOString(), user: 'mallory\x1b[2J', host: 'h', operation: 'checkpoint', target: 'ct\x9b2J', result: 'ok', duration_ms: 1, pid: 1 },
    ],
  });
  await c.controller.refresh();
  await c.settle();

  const noActive = (what: string) => assert.doesNotMatch(plain(c.frame()), ACTIVE, `${what}: ${JSON.stringify(plain(c.frame()))}`);
  noActive('first frame');
  assert.match(plain(c.frame()), /Checkpoints of 100 w\\x1b\]0;t\\x07eb/);
  assert.match(plain(c.frame()), /mallory\\x1b\[2J@?.* checkpoint ct\\x9b2J ok/);

  // The tree: the hostile snapshot sits just above NOW (the cursor stays on NOW across the refresh: one up), the
  // labelled one above it.
  await c.command('next-pane');
  noActive('tree');
  assert.ok(plain(c.frame()).includes('evil\\x1b[2Jname\\x07'), 'snapshot name escaped in the tree');
  await c.command('up');
  assert.ok(plain(c.frame()).includes('checkpoint    evil\\x1b[2Jname\\x07'), 'and in the details');
  await c.command('up');
  noActive('details of the labelled checkpoint');
  assert.ok(plain(c.frame()).includes(`"${SHOWN_LABEL}"`), 'label escaped in the tree');
  assert.ok(plain(c.frame()).includes(`label         ${SHOWN_LABEL}`), 'label escaped in the details');

  // An error echoing a hostile name reaches the flash line escaped and on one line.
  c.controller.flash(new Error("cannot open 'a\x1b[2J\nb'"));
  await c.settle();
  noActive('flash');
  // Its first line, escaped, and where the rest is: the messages view (!) has it all, escaped too.
  assert.ok(plain(c.frame()).includes("cannot open 'a\\x1b[2J  [! full text]"), plain(c.frame()));
  await c.command('messages');
  noActive('messages view');
  assert.match(plain(c.frame()), /cannot open 'a\\x1b\[2J[^\n]*\n[^\n]*b'/);
  c.unmount();
});

test("every view draws text through components/Text (the one place text is escaped), never Ink's Text directly", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
  const offenders = [...files('src/app'), ...files('components')]
    .filter((f) => f !== join('components', 'Text.tsx'))
    .filter((f) => /import \{[^}]*\bText\b[^}]*\} from 'ink'/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});
