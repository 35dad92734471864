import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostFs } from '../../src/core/nodes/host-fs.js';

/** A HostFs to test, a fresh directory of it to work in, and how to remove that directory afterwards. */
export interface HostFsFixture {
  fs: HostFs;
  /** An empty directory (existing) that the tests write under. */
  root: string;
  cleanup(): Promise<void>;
}

/**
 * What every HostFs must do, as node tests named `<name>: …`: run for LocalFs (test/unit/host-fs.test.ts), the
 * in-memory fake, and any other implementation (over ssh) with a `make` that gives it a fresh root directory.
 */
export function hostFsContract(name: string, make: () => Promise<HostFsFixture>): void {
  const check = (title: string, body: (fs: HostFs, root: string) => Promise<void>) =>
    test(`${name}: ${title}`, async () => {
      const { fs, root, cleanup } = await make();
      try {
        await body(fs, root);
      } finally {
        await cleanup();
      }
    });

  check('says where its files are', async (fs) => {
    assert.equal(typeof fs.where, 'string');
    assert.ok(fs.where.length > 0);
  });

  check('readFile of a missing file (or under a missing directory) is undefined', async (fs, root) => {
    assert.equal(await fs.readFile(`${root}/missing.txt`), undefined);
    assert.equal(await fs.readFile(`${root}/no/such/dir/file`), undefined);
  });

  check('readDir of a missing directory is []; otherwise the names in it', async (fs, root) => {
    assert.deepEqual(await fs.readDir(`${root}/missing`), []);
    await fs.writeAtomic(`${root}/d/a.txt`, 'a');
    await fs.writeAtomic(`${root}/d/b.txt`, 'b');
    await fs.mkdir(`${root}/d/sub`);
    assert.deepEqual((await fs.readDir(`${root}/d`)).sort(), ['a.txt', 'b.txt', 'sub']);
    assert.deepEqual(await fs.readDir(`${root}/d/sub`), []);
  });

  check('writeAtomic creates the parent directories, replaces the content, and leaves no temporary file', async (fs, root) => {
    const path = `${root}/a/b/c.json`;
    await fs.writeAtomic(path, 'one');
    assert.equal(await fs.readFile(path), 'one');
    await fs.writeAtomic(path, 'two, longer than one');
    assert.equal(await fs.readFile(path), 'two, longer than one');
    await fs.writeAtomic(path, 'x', { durable: false });
    assert.equal(await fs.readFile(path), 'x');
    assert.deepEqual(await fs.readDir(`${root}/a/b`), ['c.json']);
  });

  check('content round-trips exactly: empty, newlines, quotes, shell characters, unicode', async (fs, root) => {
    assert.equal(await fs.readFile(`${root}/empty`), undefined);
    await fs.writeAtomic(`${root}/empty`, '');
    assert.equal(await fs.readFile(`${root}/empty`), '', 'an empty file exists: not undefined');
    const odd = `{"a":'b'} $HOME \`id\` $(id) \\n * ? ; | & < > ü ✓ 日本\n\nlast line without newline`;
    await fs.writeAtomic(`${root}/odd`, odd);
    assert.equal(await fs.readFile(`${root}/odd`), odd);
    assert.equal(await fs.createExclusive(`${root}/odd2`, odd), true);
    assert.equal(await fs.readFile(`${root}/odd2`), odd);
  });

  check('names as the state dir uses them: percent-escaped lock names, dots, a space', async (fs, root) => {
    const names = ['tank%2Fct%2F101.lock', 'tank%2Fct%2F101.lock.takeover-123-456', '.lxcri-probe-1-abc', 'with space.json'];
    for (const n of names) await fs.writeAtomic(`${root}/n/${n}`, n);
    assert.deepEqual((await fs.readDir(`${root}/n`)).sort(), [...names].sort());
    for (const n of names) assert.equal(await fs.readFile(`${root}/n/${n}`), n);
  });

  check('createExclusive: true and the complete content the first time, false after, content unchanged', async (fs, root) => {
    await fs.mkdir(`${root}/locks`);
    const path = `${root}/locks/x.lock`;
    const content = JSON.stringify({ pid: 1, host: 'h', since: 1, pad: 'x'.repeat(10_000) });
    assert.equal(await fs.createExclusive(path, content), true);
    assert.equal(await fs.readFile(path), content);
    assert.equal(await fs.createExclusive(path, 'other'), false);
    assert.equal(await fs.readFile(path), content);
    assert.deepEqual(await fs.readDir(`${root}/locks`), ['x.lock'], 'no temporary file left');
  });

  check('createExclusive racing with itself: exactly one wins, and its content is whole', async (fs, root) => {
    await fs.mkdir(`${root}/race`);
    const path = `${root}/race/x.lock`;
    const contents = Array.from({ length: 6 }, (_, i) => `writer ${i} `.repeat(200));
    const won = await Promise.all(contents.map((c) => fs.createExclusive(path, c)));
    assert.equal(won.filter(Boolean).length, 1, `one winner: ${JSON.stringify(won)}`);
    assert.equal(await fs.readFile(path), contents[won.indexOf(true)]);
    assert.deepEqual(await fs.readDir(`${root}/race`), ['x.lock'], 'no temporary file left');
  });

  check('append appends (creating the parent directories), in order', async (fs, root) => {
    const path = `${root}/runtime/events.log`;
    await fs.append(path, '{"n":1}\n');
    await fs.append(path, '{"n":2}\n');
    assert.equal(await fs.readFile(path), '{"n":1}\n{"n":2}\n');
  });

  check('rename moves a file to a new name', async (fs, root) => {
    await fs.writeAtomic(`${root}/from`, 'moved');
    await fs.rename(`${root}/from`, `${root}/to`);
    assert.equal(await fs.readFile(`${root}/from`), undefined);
    assert.equal(await fs.readFile(`${root}/to`), 'moved');
  });

  check('rename moves a directory with what it holds', async (fs, root) => {
    await fs.writeAtomic(`${root}/tmp-1/manifest.json`, '{}');
    await fs.rename(`${root}/tmp-1`, `${root}/final`);
    assert.deepEqual(await fs.readDir(`${root}/tmp-1`), []);
    assert.equal(await fs.readFile(`${root}/final/manifest.json`), '{}');
  });

  check('remove: a file, a directory tree, and something missing (no error)', async (fs, root) => {
    await fs.writeAtomic(`${root}/f`, 'x');
    await fs.remove(`${root}/f`);
    assert.equal(await fs.readFile(`${root}/f`), undefined);
    await fs.writeAtomic(`${root}/tree/a/b/c`, 'x');
    await fs.remove(`${root}/tree`);
    assert.deepEqual(await fs.readDir(`${root}/tree`), []);
    assert.ok(!(await fs.readDir(root)).includes('tree'));
    await fs.remove(`${root}/never-was`);
    await fs.remove(`${root}/never/was/either`);
  });

  check('mkdir creates the parents and accepts an existing directory', async (fs, root) => {
    await fs.mkdir(`${root}/p/q/r`);
    await fs.mkdir(`${root}/p/q/r`);
    assert.deepEqual(await fs.readDir(`${root}/p/q`), ['r']);
  });

  check('writing where a file is in the way fails', async (fs, root) => {
    await fs.writeAtomic(`${root}/file`, 'x');
    await assert.rejects(fs.mkdir(`${root}/file/sub`));
    await assert.rejects(fs.writeAtomic(`${root}/file/sub/y`, 'y'));
    assert.equal(await fs.readFile(`${root}/file`), 'x');
  });
}
