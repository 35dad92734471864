import { Inventory } from '../../src/core/model/inventory.js';
import { buildTree } from '../../src/core/model/tree.js';
import type { LoadedContainer } from '../../src/core/ops/container.js';
import { LEGACY_CAPABILITIES } from '../../src/core/tools/zfs/capabilities.js';
import type { DatasetRecord } from '../../src/core/model/dataset.js';

/** Builds DatasetRecord lists for model tests: txg and guid grow with each call. */
export class RecordBuilder {
  readonly records: DatasetRecord[] = [];
  private txg = 100;

  fs(name: string, extra: Partial<DatasetRecord> = {}): this {
    this.txg++;
    this.records.push({
      name,
      type: 'filesystem',
      guid: `g-${name}`,
      createtxg: this.txg,
      creation: 1_700_000_000 + this.txg,
      used: 1000,
      referenced: 500,
      userrefs: 0,
      usedbysnapshots: 300,
      usedbydataset: 500,
      mountpoint: `/${name}`,
      mounted: true,
      user: {},
      ...extra,
    });
    return this;
  }

  snap(dataset: string, short: string, extra: Partial<DatasetRecord> = {}): this {
    this.txg++;
    this.records.push({
      name: `${dataset}@${short}`,
      type: 'snapshot',
      guid: `g-${short}`,
      createtxg: this.txg,
      creation: 1_700_000_000 + this.txg * 60,
      used: 100,
      referenced: 500,
      userrefs: 0,
      user: {},
      ...extra,
    });
    return this;
  }
}

/** A container `web` loaded from the builder's records as the core loads one (zfs-fuse capabilities). */
export function loadedContainer(b: RecordBuilder, dataset = 't/c/web'): LoadedContainer {
  const inventory = new Inventory(b.records);
  return {
    id: 'web',
    dataset,
    container: { id: 'web', name: 'web', status: 'stopped', sources: ['zfs'], dataset, mounts: [] },
    caps: { ...LEGACY_CAPABILITIES, version: 'pool v23' },
    inventory,
    tree: buildTree('web', dataset, inventory),
  };
}
