import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/commands/index.js';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('--help lists every command, --version prints the package version', async () => {
  const help = await run('--help');
  assert.equal(help.code, 0);
  for (const c of COMMANDS) assert.match(help.out, new RegExp(`^  ${c.name} `, 'm'));
  const v = await run('--version');
  assert.deepEqual([v.code, v.out], [0, '0.1.0']);
  const sub = await run('restore', '--help');
  assert.match(sub.out, /--mode branch\|rollback/);
});

test('bad usage exits 2 with a one-line error naming the problem, and a hint', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['list', '--bogus'], /Unknown option '--bogus'/],
    [['tree'], /tree takes exactly one container/],
    [['tree', 'a', 'b'], /tree takes exactly one container/],
    [['prune', '--max-snapshots', 'zero'], /--max-snapshots must be an integer >= 1, got 'zero'/],
    [['restore', 'web', '--mode', 'sideways'], /--mode must be branch or rollback, got 'sideways'/],
    [['list', '--config', '/nonexistent/config.json'], /cannot read config \/nonexistent\/config.json/],
    [['checkpoint', 'web', '--label', 'a\x1b]0;t\x07b'], /label contains the control character \\x1b/],
    [['checkpoint', 'web', '--label', 'a\x9bb'], /label contains the control character \\x9b/],
    [['restore', 'web', '--snapshot', ''], /snapshot name is empty/],
    [['restore', 'web', '--snapshot', 'checkpoint-'], /snapshot name 'checkpoint-' is only a prefix/],
    [['delete', 'web', 'pre-restore-'], /only a prefix/],
    [['undo'], /undo takes exactly one container/],
    [['undo', 'web', '--discard', '--keep'], /--discard and --keep exclude each other/],
    [['undo', 'web', '--branch', 'tank/a@b'], /invalid dataset name 'tank\/a@b'/],
    [['--theme', 'solarized'], /unknown theme 'solarized'/],
  ];
  for (const [argv, pattern] of cases) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    const [error, hint] = r.err.split('\n');
    assert.match(error!, /^error: /);
    assert.match(error!, pattern);
    assert.match(hint!, /^hint: ./);
  }
});

test('invalid names are refused before anything runs (no ZFS needed)', async () => {
  const r = await run('tree', '../etc', '--json');
  assert.equal(r.code, 2);
  assert.deepEqual(JSON.parse(r.out).error.code, 'usage');
  assert.match(r.err, /invalid container id '\.\.\/etc'/);
});
