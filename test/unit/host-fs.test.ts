import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFs } from '../../src/core/nodes/local-fs.js';
import { CommandFs } from '../../src/core/nodes/command-fs.js';
import { ExecaRunner } from '../../src/core/runner/execa-runner.js';
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

// The command-backed HostFs a remote node uses (cat, ls, sh -c scripts through its runner), here over this machine's
// runner: the same contract, on real files and real shell tools.
hostFsContract('CommandFs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'lxcri-cmdfs-'));
  return { fs: new CommandFs(new ExecaRunner(), 'test'), root, cleanup: () => rm(root, { recursive: true, force: true }) };
});
