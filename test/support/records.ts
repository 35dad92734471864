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
