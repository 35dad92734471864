import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CoreContext } from '../../src/core/context.js';
import type { DatasetRecord } from '../../src/core/model/dataset.js';
import { planImages } from '../../src/core/ops/replicate-images.js';
import type { PreflightCheck, ReplicationTarget } from '../../src/core/ops/replicate.js';
import { checkLine } from '../../src/present/replication-lines.js';
import { MemoryFs } from '../support/memory-fs.js';

// Which CRIU images a replication takes along (issue 11), read through each node's files: only complete images in the
// configured store, only those the target's store lacks or has with another sha256.

const STORE = '/var/lib/lxcri/checkpoints';
const sha = (c: string) => c.repeat(64);

async function publish(fs: MemoryFs, dir: string, sum: string, opts: { complete?: boolean } = {}): Promise<void> {
  const manifest = { container: '101', checkpoint_id: dir.split('/').pop(), zfs_snapshot: null, zfs_guid: null, created: '2026-11-24T10:00:00Z' };
  await fs.writeAtomic(`${dir}/manifest.json`, JSON.stringify({ ...manifest, criu_version: '3.17.1', sha256: sum, compressed_size: 1000, tool: 't' }));
  await fs.writeAtomic(`${dir}/dump.tar.zst`, 'x');
  if (opts.complete !== false) await fs.writeAtomic(`${dir}/.checkpoint-complete`, '');
}

const snap = (name: string, image?: string): DatasetRecord => ({ name, type: 'snapshot', user: image ? { image } : {} }) as unknown as DatasetRecord;

test('planImages: copies what the target lacks or has with another sha256, counts what is there, skips what is not an image of the store', async () => {
  const src = new MemoryFs('pve1');
  const dst = new MemoryFs('pve2');
  await publish(src, `${STORE}/101/a`, sha('a'));
  await publish(src, `${STORE}/101/b`, sha('b'));
  await publish(src, `${STORE}/101/c`, sha('c'));
  await publish(src, `${STORE}/101/d`, sha('d'), { complete: false });
  await publish(dst, `${STORE}/101/b`, sha('b'));
  await publish(dst, `${STORE}/101/c`, sha('0'));
  const ctx = { config: { criu: { store: `${STORE}/` } }, fs: src } as unknown as CoreContext;
  const target = { node: 'pve2', ctx: { fs: dst } } as unknown as ReplicationTarget;
  const plan = await planImages(ctx, target, [
    snap('rpool/data/101@a', `${STORE}/101/a`),
    snap('rpool/data/101@b', `${STORE}/101/b`),
    snap('rpool/data/101@c', `${STORE}/101/c`),
    snap('rpool/data/101@d', `${STORE}/101/d`),
    snap('rpool/data/101@plain'),
    // A mark that leaves the store, or climbs out of it, is not followed.
    snap('rpool/data/101@out', '/etc/101/a'),
    snap('rpool/data/101@up', `${STORE}/../101/a`),
  ]);
  assert.deepEqual(
    plan.copy.map((i) => [i.snapshot, i.dir, i.sha256, i.bytes]),
    [
      ['rpool/data/101@a', `${STORE}/101/a`, sha('a'), 1000],
      ['rpool/data/101@c', `${STORE}/101/c`, sha('c'), 1000],
    ],
  );
  assert.equal(plan.there, 1);
  assert.deepEqual(plan.missing, ['rpool/data/101@d']);
});

test('pre-flight lines for the images and for criu check (advisory)', () => {
  const images: PreflightCheck = { check: 'images', subject: 'pve2', ok: true, count: 2, there: 1, need: 3 * 1024 * 1024 };
  assert.equal(checkLine(images), 'ok  CRIU images: 2 to copy (3M), 1 there already');
  assert.equal(checkLine({ ...images, count: 0, need: 0 }), 'ok  CRIU images: 1 there already (a shared store, or copied before)');
  const criu: PreflightCheck = { check: 'criu', subject: 'pve2', ok: false, advisory: true, reason: 'Could not initialize kernel features detection.' };
  assert.equal(
    checkLine(criu),
    'warn  criu check on pve2 fails: Could not initialize kernel features detection.; its stateful checkpoints would restore without their processes',
  );
  assert.equal(checkLine({ check: 'criu', subject: 'pve2', ok: true }), 'ok  criu check on pve2 passes');
});
