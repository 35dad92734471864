import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeContainerPath, resolveInRoot, type PathProbe } from '../../src/core/model/container-path.js';
import type { FileType } from '../../src/core/model/file-diff.js';
import { validateRestoreFileArguments } from '../../src/core/ops/file-restore.js';

test('normalizeContainerPath: the container path made canonical; .., NUL, empty and the root refused', () => {
  assert.equal(normalizeContainerPath('etc/nginx/nginx.conf'), '/etc/nginx/nginx.conf');
  assert.equal(normalizeContainerPath('//etc/./nginx//'), '/etc/nginx');
  assert.equal(normalizeContainerPath('/', 'path', { allowRoot: true }), '/');
  assert.throws(() => normalizeContainerPath('../etc/passwd'), /path \.\.\/etc\/passwd uses '\.\.'/);
  assert.throws(() => normalizeContainerPath('/etc/../../x'), /uses '\.\.'/);
  assert.throws(() => normalizeContainerPath('/a\0b'), /NUL/);
  assert.throws(() => normalizeContainerPath('  '), /path is empty/);
  assert.throws(() => normalizeContainerPath('/'), /is the container's root/);
  // One line each, with what to do.
  try {
    normalizeContainerPath('a/../../b', '--to');
    assert.fail('refused');
  } catch (error) {
    assert.equal((error as Error).message, "--to a/../../b uses '..', which could leave the container's root");
    assert.match((error as { hint: string }).hint, /without "\.\."/);
  }
});

test('validateRestoreFileArguments: --replace does not go with --to; both paths checked before anything runs', () => {
  assert.deepEqual(validateRestoreFileArguments('etc/x', {}), { path: '/etc/x' });
  assert.deepEqual(validateRestoreFileArguments('/etc/x', { to: 'root/x' }), { path: '/etc/x', to: '/root/x' });
  assert.throws(() => validateRestoreFileArguments('/etc/x', { to: '/root/x', replace: true }), /--replace does not go with --to/);
  assert.throws(() => validateRestoreFileArguments('/etc/x', { to: '../x' }), /--to \.\.\/x uses '\.\.'/);
});

/** A fake tree under /root: type per host path, link targets. */
function probe(types: Record<string, FileType>, links: Record<string, string> = {}): PathProbe {
  return {
    typeOf: async (p) => types[p],
    readlink: async (p) => {
      const t = links[p];
      if (t === undefined) throw new Error(`not a link: ${p}`);
      return t;
    },
  };
}

const TREE = probe(
  {
    '/r/etc': 'dir',
    '/r/etc/hosts': 'file',
    '/r/run': 'dir',
    '/r/run/x': 'file',
    '/r/var': 'dir',
    '/r/var/run': 'symlink',
    '/r/var/rel': 'symlink',
    '/r/var/out': 'symlink',
    '/r/var/loop': 'symlink',
    '/r/hostlink': 'symlink',
    '/r/file': 'file',
  },
  { '/r/var/run': '/run', '/r/var/rel': '../etc', '/r/var/out': '../../../../etc', '/r/var/loop': 'loop', '/r/hostlink': '/etc/passwd' },
);

test('resolveInRoot follows links as the container sees them: an absolute target starts at the container root', async () => {
  assert.deepEqual(await resolveInRoot('/r', '/var/run/x', TREE), { path: '/run/x', hostPath: '/r/run/x', type: 'file' });
  assert.deepEqual(await resolveInRoot('/r', '/var/rel/hosts', TREE), { path: '/etc/hosts', hostPath: '/r/etc/hosts', type: 'file' });
  // The last component is the link itself, unless a listing follows it.
  assert.deepEqual(await resolveInRoot('/r', '/hostlink', TREE), { path: '/hostlink', hostPath: '/r/hostlink', type: 'symlink' });
  // /etc/passwd of the container (not the host's), which does not exist there.
  assert.deepEqual(await resolveInRoot('/r', '/hostlink', TREE, { followLast: true }), { path: '/etc/passwd', hostPath: '/r/etc/passwd' });
  // A missing last component (a restore's destination) resolves with no type.
  assert.deepEqual(await resolveInRoot('/r', '/etc/new', TREE), { path: '/etc/new', hostPath: '/r/etc/new' });
});

test('resolveInRoot refuses links that climb above the root, loops, missing directories and files used as directories', async () => {
  await assert.rejects(resolveInRoot('/r', '/var/out/shadow', TREE), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'outside-root');
    assert.equal(e.message, "path /var/out/shadow leaves the container's root through a symbolic link");
    return true;
  });
  await assert.rejects(resolveInRoot('/r', '/var/loop/x', TREE), /too many symbolic links/);
  await assert.rejects(resolveInRoot('/r', '/nope/x', TREE), /\/nope does not exist/);
  await assert.rejects(resolveInRoot('/r', '/file/x', TREE), /\/file is a file, not a directory/);
});
