import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FILES_BINDINGS } from '../../src/app/bindings.js';
import { LxcriError } from '../../src/core/errors.js';
import type { FileListing, RestoreFileOptions, RestoreFilePlan, RestoreFileResult } from '../../src/core/ops/file-restore.js';
import { KEY, plain, renderConsole } from '../support/ui.js';

/*
 * The restore-file dialog's options: `t` types a destination elsewhere (--to, refused as the CLI refuses it), `r`
 * removes the current version instead of keeping it (--replace, with its own confirmation naming what is removed);
 * each reads the preview again. The demo core answers with fakes shaped as src/core/ops/file-restore.ts answers.
 */

type Console = Awaited<ReturnType<typeof renderConsole>>;

const EXISTING = new Set(['/etc/hosts', '/etc/motd']);

/** A plan as planRestoreFile makes it for these options (paths checked as it checks them). */
function plan(id: string, checkpoint: string, path: string, opts: RestoreFileOptions): RestoreFilePlan {
  if (opts.to !== undefined && EXISTING.has(opts.to))
    throw new LxcriError('exists', `--to ${opts.to} already exists in ${id}`, 'name a path that does not exist yet (nothing is overwritten with --to)');
  if (opts.to !== undefined && opts.to.includes('..'))
    throw new LxcriError('usage', `--to ${opts.to} uses '..', which could leave the container's root`, 'name a path inside the container');
  const dest = opts.to ?? path;
  const current = EXISTING.has(dest) ? { type: 'file' as const, size: 230 } : undefined;
  const keptAs = current && !opts.replace ? `${dest}.lxcri-1763900000` : undefined;
  return {
    container: id,
    checkpoint: checkpoint.slice(checkpoint.indexOf('@') + 1),
    path,
    type: 'file',
    size: 220,
    dest,
    ...(current ? { current } : {}),
    ...(keptAs ? { keptAs } : {}),
    replace: Boolean(opts.replace),
    steps: [`copy ${path} beside ${dest}`, `put the copy in place as ${dest}`],
  };
}

/** The browser open on /etc of the demo's web (100), the restore dialog on /etc/hosts; the restores asked for. */
async function openRestore(c: Console) {
  const previews: RestoreFileOptions[] = [];
  const restores: Array<[string, string, RestoreFileOptions & { confirmed?: boolean }]> = [];
  c.core.files = async (id, checkpoint, path = '/'): Promise<FileListing> => ({
    container: id,
    checkpoint,
    path,
    type: 'dir',
    entries: [{ name: path === '/' ? 'etc' : 'hosts', type: path === '/' ? 'dir' : 'file', size: 220, mode: 0o644, uid: 0, gid: 0, mtime: 1_763_890_000 }],
  });
  c.core.planRestoreFile = async (id, checkpoint, path, opts = {}) => {
    previews.push(opts);
    return plan(id, checkpoint, path, opts);
  };
  c.core.restoreFile = async (id, checkpoint, path, opts = {}): Promise<RestoreFileResult> => {
    restores.push([id, path, opts]);
    return { ...plan(id, checkpoint, path, opts), reports: [] };
  };
  await c.command('next-pane');
  await c.command('top');
  for (let i = 0; i < 40 && c.controller.cursorRow()?.node.kind !== 'snapshot'; i++) await c.command('down');
  await c.command('files');
  await c.command('open', FILES_BINDINGS);
  await c.command('open', FILES_BINDINGS);
  assert.equal(c.controller.ui.getState().dialog?.kind, 'restore-file');
  return { previews, restores };
}

const view = (c: Console) => plain(c.frame());
const flat = (c: Console) => view(c).replace(/[│║]/g, ' ').replace(/\s+/g, ' ');

test('t types a destination: a path that exists is refused (the preview stays), a free one updates it; y restores there', async () => {
  const c = await renderConsole({ size: { columns: 130, rows: 30 }, treeOrder: 'newest' });
  const { previews, restores } = await openRestore(c);
  assert.match(view(c), /t --to elsewhere {3}r replace the current one/);
  await c.press('t');
  assert.match(view(c), /--to \(a path in the container that does not exist yet\): \/etc\/hosts\.restored/);
  // Ctrl-U clears the field; a path that exists is refused as the CLI refuses it, the field stays for another try.
  await c.press('\x15', ...'/etc/motd'.split(''), KEY.enter);
  assert.match(flat(c), /refused: --to \/etc\/motd already exists in 100 \(name a path that does not exist yet/);
  assert.match(flat(c), /the current \/etc\/hosts is kept as \/etc\/hosts\.lxcri-1763900000/, 'the preview as it was');
  assert.match(view(c), /--to \(a path .*\): \/etc\/motd/);
  // Esc leaves the field: the preview as it was, no error.
  await c.press(KEY.esc);
  assert.doesNotMatch(flat(c), /refused/);
  assert.match(view(c), /t --to elsewhere/);
  // Again, with a free path: the preview says where the copy goes.
  await c.press('t', '\x15', ...'/root/hosts-before'.split(''), KEY.enter);
  const f = flat(c);
  assert.match(f, /to \/root\/hosts-before, with its mode, owner and times/);
  assert.match(f, /\/root\/hosts-before does not exist now: it is created/);
  assert.doesNotMatch(f, /refused/);
  assert.deepEqual(previews.at(-1), { to: '/root/hosts-before' });
  await c.press('y');
  await c.controller.idle();
  assert.deepEqual(restores, [['100', '/etc/hosts', { to: '/root/hosts-before', confirmed: true }]]);
  assert.match(view(c), /restore of \/etc\/hosts from .* in 100 to \/root\/hosts-before: done/);
  c.unmount();
});

test('r: --replace, the preview says the current version is removed; y asks again naming it; Esc there goes back; y removes and restores', async () => {
  const c = await renderConsole({ size: { columns: 130, rows: 30 }, treeOrder: 'newest' });
  const { previews, restores } = await openRestore(c);
  await c.press('r');
  assert.deepEqual(previews.at(-1), { replace: true });
  let f = flat(c);
  assert.match(f, /the current \/etc\/hosts is REMOVED and replaced \(--replace\)/);
  assert.match(view(c), /r keep the current one/);
  await c.press('y');
  f = flat(c);
  assert.match(f, /this REMOVES the current file \/etc\/hosts \(230B?\) of 100 for good, and puts the version of .* in its place/);
  assert.match(view(c), /y remove the current \/etc\/hosts and restore {3}Esc back/);
  assert.deepEqual(restores, [], 'nothing yet');
  // Enter is not the second confirmation: only y is.
  await c.press(KEY.enter);
  assert.deepEqual(restores, []);
  await c.press(KEY.esc);
  assert.doesNotMatch(flat(c), /this REMOVES/);
  assert.equal(c.controller.ui.getState().mode, 'dialog', 'back at the preview, not out of the dialog');
  // r again keeps the current version again.
  await c.press('r');
  assert.match(flat(c), /the current \/etc\/hosts is kept as \/etc\/hosts\.lxcri-1763900000/);
  await c.press('r', 'y', 'y');
  await c.controller.idle();
  assert.deepEqual(restores, [['100', '/etc/hosts', { replace: true, confirmed: true }]]);
  assert.match(view(c), /the former version was removed|restore of \/etc\/hosts .*: done/);
  c.unmount();
});

test('read-only: the options are there to preview, restoring is refused', async () => {
  const c = await renderConsole({ readOnly: true, size: { columns: 130, rows: 30 }, treeOrder: 'newest' });
  const { restores } = await openRestore(c);
  await c.press('r');
  assert.match(flat(c), /REMOVED and replaced/);
  await c.press('y');
  assert.match(view(c), /read-only/);
  assert.deepEqual(restores, []);
  c.unmount();
});
