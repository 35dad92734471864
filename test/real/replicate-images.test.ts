import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { lines, startClusterCli, type ClusterCli } from '../support/cluster-cli.js';

// A stateful checkpoint's CRIU image goes with the replication (issue 11): copied into the target's store, its sha256
// checked there, `.checkpoint-complete` written last; a store that has it already gets nothing; an archive that does
// not match its manifest is refused there and leaves nothing behind. Each node's store is its own (a directory of the
// node's private dataset). The image is the one a stateful checkpoint leaves (CRIU cannot dump on this kernel: the
// image is laid down as the store writes it), and the snapshot carries the store's mark.

let h: ClusterCli;
let store: string;

const sh = (node: string, script: string, ...args: string[]) => h.on(node, ['sh', '-c', script, 'sh', ...args]);

/** An image as ImageStore.publish leaves it: the archive, its manifest, the completion marker; returns its sha256. */
function image(node: string, id: string, checkpointId: string, content: string, manifestSha?: string): string {
  const dir = `${store}/${id}/${checkpointId}`;
  sh(node, 'set -e; mkdir -p "$1/images"; printf %s "$2" > "$1/images/core.img"; tar -C "$1/images" -cf "$1/dump.tar.zst" .; rm -r "$1/images"', dir, content);
  const sha = sh(node, 'sha256sum -- "$1/dump.tar.zst"', dir).split(/\s/)[0]!;
  const size = Number(sh(node, 'stat -c %s -- "$1/dump.tar.zst"', dir).trim());
  const manifest = {
    container: id,
    checkpoint_id: checkpointId,
    zfs_snapshot: null,
    zfs_guid: null,
    created: new Date().toISOString(),
    criu_version: '3.17.1',
    sha256: manifestSha ?? sha,
    compressed_size: size,
    tool: 'lxcri-console test',
  };
  sh(node, 'printf %s "$2" > "$1/manifest.json"; : > "$1/.checkpoint-complete"', dir, JSON.stringify(manifest));
  return sha;
}

/** A stateful checkpoint: the snapshot marked with its image's path, as a stateful checkpoint is. */
function statefulCheckpoint(id: string, name: string, checkpointId: string): string {
  h.zfs('pve1', [
    'snapshot',
    '-o',
    `lxcri:image=${store}/${id}/${checkpointId}`,
    '-o',
    'lxcri:kind=checkpoint',
    '-o',
    `lxcri:label=${name}`,
    `rpool/data/${id}@${name}`,
  ]);
  return `${store}/${id}/${checkpointId}`;
}

const filesOf = (node: string, dir: string) => lines(sh(node, 'ls -1A -- "$1" 2>/dev/null || true', dir)).sort();

before(() => {
  h = startClusterCli();
  store = `${h.dir}/node/criu`;
  const config = JSON.parse(readFileSync(h.configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(h.configFile, JSON.stringify({ ...config, criu: { store } }));
  h.zfs('pve1', ['create', 'rpool/data/320']);
});

after(() => h?.stop());

test("a stateful checkpoint's image is copied into the target's store, checked, and marked complete last", () => {
  h.write('pve1', '320', 'one');
  const sha = image('pve1', '320', 'checkpoint-1', 'process memory one');
  const dir = statefulCheckpoint('320', 'one', 'checkpoint-1');
  const dry = h.ok(['replicate', '320', '--to', 'pve2', '--dry-run']);
  assert.match(dry.stdout, /^ {2}ok {2}CRIU images: 1 to copy \(\S+\)$/m);
  // CRIU cannot initialise on this kernel: the pre-flight says stateful restores there would not bring processes back.
  assert.match(dry.stdout, /^ {2}warn {2}criu check on pve2 fails: .+; its stateful checkpoints would restore without their processes$/m);
  assert.deepEqual(filesOf('pve2', dir), [], 'a dry run copies nothing');

  const run = h.ok(['replicate', '320', '--to', 'pve2']);
  assert.match(run.stdout, /copy the CRIU image of rpool\/data\/320@one/);
  assert.deepEqual(filesOf('pve2', dir), ['.checkpoint-complete', 'dump.tar.zst', 'manifest.json']);
  assert.equal(sh('pve2', 'sha256sum -- "$1/dump.tar.zst"', dir).split(/\s/)[0], sha);
  assert.equal(sh('pve2', 'cat -- "$1/manifest.json"', dir), sh('pve1', 'cat -- "$1/manifest.json"', dir));
  assert.deepEqual(
    filesOf('pve2', `${store}/320`).filter((n) => n.startsWith('.tmp-')),
    [],
    'no scratch directory left',
  );
  // The source's store is untouched.
  assert.deepEqual(filesOf('pve1', dir), ['.checkpoint-complete', 'dump.tar.zst', 'manifest.json']);
});

test('an image the target has already is not copied again', () => {
  h.write('pve1', '320', 'two');
  h.ok(['checkpoint', 'pve1:320', '--label', 'two']);
  const dry = h.ok(['replicate', '320', '--to', 'pve2', '--dry-run']);
  assert.match(dry.stdout, /^ {2}ok {2}CRIU images: 1 there already \(a shared store, or copied before\)$/m);
  const before = sh('pve2', 'stat -c %Y.%i -- "$1/manifest.json"', `${store}/320/checkpoint-1`);
  const run = h.ok(['replicate', '320', '--to', 'pve2']);
  assert.doesNotMatch(run.stdout, /copy the CRIU image/);
  assert.equal(sh('pve2', 'stat -c %Y.%i -- "$1/manifest.json"', `${store}/320/checkpoint-1`), before, 'the copy there is the same file');
});

test('an archive that does not match its manifest is refused on arrival and leaves nothing in the target store', () => {
  h.write('pve1', '320', 'three');
  image('pve1', '320', 'checkpoint-3', 'process memory three', 'f'.repeat(64));
  const dir = statefulCheckpoint('320', 'three', 'checkpoint-3');
  const r = h.cli(['replicate', '320', '--to', 'pve2']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /the CRIU image of rpool\/data\/320@three arrived on pve2 with sha256 [0-9a-f]{64}, not the manifest's f{64}/);
  assert.deepEqual(filesOf('pve2', dir), []);
  assert.deepEqual(
    filesOf('pve2', `${store}/320`).filter((n) => n.startsWith('.tmp-')),
    [],
  );
  // The checkpoint itself arrived (a failed step keeps what came before it, as a cut stream does); its image did not,
  // and the next run tries it again: once the source's image is whole, it goes.
  assert.ok(h.exists('pve2', 'rpool/data/320@three'));
  assert.deepEqual((JSON.parse(h.ok(['recover', '--json']).stdout) as { interrupted: unknown[] }).interrupted, []);
  const sha = image('pve1', '320', 'checkpoint-3', 'process memory three');
  const again = h.ok(['replicate', '320', '--to', 'pve2']);
  assert.match(again.stdout, /the datasets are up to date/);
  assert.match(again.stdout, /copy the CRIU image of rpool\/data\/320@three/);
  assert.equal(sh('pve2', 'sha256sum -- "$1/dump.tar.zst"', dir).split(/\s/)[0], sha);
  assert.deepEqual(filesOf('pve2', dir), ['.checkpoint-complete', 'dump.tar.zst', 'manifest.json']);
});
