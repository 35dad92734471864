import { listIfPresent, type ContainerSource, type SourceEnv } from '../source.js';
import type { Container, ContainerMount } from '../types.js';
import { parsePctConfig, parseStorageCfg, pctMounts, pctSnapshotNames, volumeDataset } from './pct-parse.js';

async function fromConfig(env: SourceEnv, vmid: string): Promise<Container | undefined> {
  const text = await env.readFile(`${env.config.pve.config_dir}/${vmid}.conf`);
  if (text === undefined) return undefined;
  const config = parsePctConfig(text);
  const storages = parseStorageCfg((await env.readFile(env.config.pve.storage_cfg)) ?? '');
  const mounts: ContainerMount[] = pctMounts(config).map((m) => {
    const mapped = volumeDataset(m.volume, storages);
    return { key: m.key, volume: m.volume, ...(m.path ? { path: m.path } : {}), ...(mapped.dataset ? { dataset: mapped.dataset } : {}) };
  });
  const rootfs = mounts.find((m) => m.key === 'rootfs');
  const pveSnapshots = pctSnapshotNames(text);
  const reason = !rootfs ? 'no rootfs in the Proxmox config' : rootfs.dataset ? undefined : `rootfs ${volumeDataset(rootfs.volume, storages).reason}`;
  return {
    id: vmid,
    name: config.hostname ?? vmid,
    status: 'unknown',
    ...(config.lock ? { lock: config.lock } : {}),
    sources: ['pct'],
    ...(rootfs?.dataset ? { dataset: rootfs.dataset } : {}),
    mounts,
    ...(pveSnapshots.length ? { pveSnapshots } : {}),
    ...(reason ? { reason } : {}),
  };
}

export const pctSource: ContainerSource = {
  name: 'pct',
  async list(env) {
    const rows = await listIfPresent(() => env.pct.list());
    if (!rows) return undefined;
    const out: Container[] = [];
    for (const row of rows) {
      const c = (await fromConfig(env, row.vmid)) ?? {
        id: row.vmid,
        name: row.name,
        status: row.status,
        sources: ['pct'],
        mounts: [],
        reason: 'config file not readable',
      };
      out.push({ ...c, name: row.name, status: row.status, ...((row.lock ?? c.lock) ? { lock: row.lock ?? c.lock } : {}) });
    }
    return out;
  },
  describe: (env, id) => (/^\d+$/.test(id) ? fromConfig(env, id) : Promise.resolve(undefined)),
};
