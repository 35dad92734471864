import { cmd, type Runner } from '../../runner/command.js';
import type { ZfsCapabilities } from '../zfs/capabilities.js';
import { translateZfsError } from '../zfs/errors.js';
import { parseZpoolStatusJson, ZPOOL_STATUS_JSON_FLAGS } from './status-json.js';
import { parseZpoolList, parseZpoolStatus, ZPOOL_LIST_COLUMNS_LEGACY, ZPOOL_LIST_COLUMNS_PARSABLE, type PoolRecord, type PoolStatus } from './parse.js';

export class Zpool {
  constructor(
    private readonly runner: Runner,
    private readonly timeoutMs?: number,
  ) {}

  /** All pools (or the named ones) in one process. */
  async list(caps: ZfsCapabilities, pools: readonly string[] = []): Promise<PoolRecord[]> {
    const columns = caps.parsableList ? ZPOOL_LIST_COLUMNS_PARSABLE : ZPOOL_LIST_COLUMNS_LEGACY;
    const flags = caps.parsableList ? '-Hp' : '-H';
    const r = await this.run(['list', flags, '-o', columns.join(','), ...pools]);
    const list = parseZpoolList(r.stdout, columns, caps.parsableList);
    const v = list.find((p) => p.version)?.version;
    if (v && caps.version === 'legacy') caps.version = `pool v${v}`;
    return list;
  }

  /** `zpool status` of every pool (or the named one): its JSON form where the ZFS has it (OpenZFS >= 2.3). */
  async status(caps?: Pick<ZfsCapabilities, 'json'>, pool?: string): Promise<PoolStatus[]> {
    const target = pool ? [pool] : [];
    if (caps?.json) return parseZpoolStatusJson((await this.run(['status', ...ZPOOL_STATUS_JSON_FLAGS, ...target])).stdout);
    return parseZpoolStatus((await this.run(['status', ...target])).stdout);
  }

  private async run(args: string[]) {
    try {
      return await this.runner.run(cmd('zpool', args, false, this.timeoutMs ? { timeoutMs: this.timeoutMs } : {}));
    } catch (error) {
      throw translateZfsError(error);
    }
  }
}
