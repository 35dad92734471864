import { datasetForPath } from '../mounts.js';
import { listIfPresent, type ContainerSource, type SourceEnv } from '../source.js';
import type { Container } from '../types.js';
import { lxcRootfs, rootfsBackend } from './lxc-parse.js';

async function fromConfig(env: SourceEnv, name: string): Promise<Container | undefined> {
  const text = await env.readFile(`${env.config.lxc.path}/${name}/config`);
  if (text === undefined) return undefined;
  const spec = lxcRootfs(text);
  const base: Container = { id: name, name, status: 'unknown', sources: ['lxc'], mounts: [] };
  if (!spec) return { ...base, reason: 'no lxc.rootfs.path in its config' };
  const { backend, path } = rootfsBackend(spec);
  let dataset: string | undefined;
  if (backend === 'zfs') dataset = path.replace(/^\//, '');
  else if (backend === 'dir') dataset = datasetForPath(path, await env.mounts());
  return {
    ...base,
    mounts: [{ key: 'rootfs', volume: spec, path: '/', ...(dataset ? { dataset } : {}) }],
    ...(dataset ? { dataset } : { reason: backend === 'dir' ? `rootfs ${path} is not on a mounted ZFS dataset` : `rootfs backend ${backend} is not ZFS` }),
  };
}

export const lxcSource: ContainerSource = {
  name: 'lxc',
  async list(env) {
    const rows = await listIfPresent(() => env.lxc.list());
    if (!rows) return undefined;
    const out: Container[] = [];
    for (const row of rows) {
      const c = (await fromConfig(env, row.name)) ?? {
        id: row.name,
        name: row.name,
        status: row.status,
        sources: ['lxc'],
        mounts: [],
        reason: 'config not readable',
      };
      out.push({ ...c, status: row.status, ...(row.pid ? { pid: row.pid } : {}) });
    }
    return out;
  },
  describe: fromConfig,
};
