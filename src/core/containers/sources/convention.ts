import { RESERVED_PREFIX } from '../../tools/zfs/names.js';
import type { ContainerSource } from '../source.js';

/**
 * Datasets directly under zfs.base_dataset are containers by convention (`<base>/<id>`), except the ones
 * lxcri-console keeps beside them (named `lxcri-*`) and replicas of other nodes' containers (`lxcri:replica-of`). An `lxcri:branch` property alone (stray, or inherited from a
 * parent) does not hide a container.
 */
export const conventionSource: ContainerSource = {
  name: 'zfs',
  async list(env) {
    const base = env.config.zfs.base_dataset;
    if (!env.inventory) return undefined;
    return (
      env.inventory
        .childrenOf(base)
        // A replica of another node's container (replicate) is that container's copy, not one of this node's.
        .filter((d) => d.type === 'filesystem' && !d.name.slice(base.length + 1).startsWith(RESERVED_PREFIX) && !d.user['replica-of'])
        .map((d) => {
          const id = d.name.slice(base.length + 1);
          return { id, name: id, status: 'unknown', sources: ['zfs'], dataset: d.name, mounts: [{ key: 'rootfs', volume: d.name, dataset: d.name }] };
        })
    );
  },
  async describe(env, id) {
    const dataset = `${env.config.zfs.base_dataset}/${id}`;
    return { id, name: id, status: 'unknown', sources: ['zfs'], dataset, mounts: [{ key: 'rootfs', volume: dataset, dataset }] };
  },
};
