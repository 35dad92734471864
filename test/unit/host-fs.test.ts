import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFs } from '../../src/core/nodes/local-fs.js';
import { hostFsContract } from '../support/host-fs-contract.js';
import { MemoryFs } from '../support/memory-fs.js';

// The HostFs contract for this machine's files, and for the in-memory fake the state tests use (so it behaves like one).
hostFsContract('LocalFs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'lxcri-hostfs-'));
  return { fs: new LocalFs(), root, cleanup: () => rm(root, { recursive: true, force: true }) };
});

hostFsContract('MemoryFs', async () => {
  const fs = new MemoryFs();
  await fs.mkdir('/work');
  return { fs, root: '/work', cleanup: async () => undefined };
});
