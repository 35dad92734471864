import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command, CommandResult, Runner } from '../core/runner/command.js';
import { ToolFailedError, ToolMissingError } from '../core/runner/errors.js';
import { simReceive, simSend, simSendEstimate, type SimStream } from './sim-stream.js';
import { ZfsError, type SimDataset, type ZfsSim } from './zfs-sim.js';

export interface DemoContainer {
  vmid: string;
  name: string;
  status: 'running' | 'stopped';
  lock?: string;
  rootfs: string;
  memory: number;
  /** Snapshots Proxmox took (`pct snapshot`): sections of the config, oldest first. */
  snapshots?: Array<{ name: string; snaptime: number }>;
  /** Its config was not written by this runner (moved here from another node, a copy brought up here): left as it is. */
  adopted?: boolean;
}

/**
 * The demo host's tools: answers exactly the zfs / zpool / pct / lxc-* / criu commands the core issues, with their
 * real output formats and error messages, over a simulated pool. Other tools (tar) run for real through `fallback`.
 */
export class DemoRunner implements Runner {
  readonly log: string[] = [];
  /**
   * How long the commands run so far would have taken on a real node (ms): zfs waits for a txg sync on every
   * change, pct is a Perl program. The demo host stamps its seeded events with it.
   */
  elapsedMs = 0;
  /** Containers whose config left this node's directory (moved away), kept in case it comes back. */
  readonly departed = new Map<string, DemoContainer>();

  constructor(
    readonly zfs: ZfsSim,
    readonly pool: string,
    readonly containers: Map<string, DemoContainer>,
    readonly pveDir: string,
    private readonly fallback?: Runner,
  ) {}

  async run(command: Command): Promise<CommandResult> {
    const started = performance.now();
    this.followConfigs();
    this.log.push([command.tool, ...command.args].join(' '));
    this.elapsedMs += realLatency(command.tool, command.args[0] ?? '', this.log.length);
    let stdout = '';
    let exitCode = 0;
    let stderr = '';
    try {
      switch (command.tool) {
        case 'zfs':
          stdout = this.zfsCmd([...command.args], command.input);
          break;
        case 'zpool':
          stdout = this.zpoolCmd([...command.args]);
          break;
        case 'pct':
          stdout = this.pctCmd([...command.args]);
          break;
        case 'lxc-ls':
        case 'lxc-info':
        case 'lxc-stop':
        case 'lxc-start':
        case 'lxc-checkpoint':
          stdout = this.lxcCmd(command.tool, [...command.args]);
          break;
        case 'criu':
          stdout = 'Version: 3.17.1\n';
          break;
        default:
          if (this.fallback) return this.fallback.run(command);
          throw new ToolMissingError(command);
      }
    } catch (error) {
      if (!(error instanceof ZfsError)) throw error;
      exitCode = error.exitCode;
      stderr = error.message + '\n';
    }
    const result = { command, exitCode, stdout, stderr, durationMs: Math.round(performance.now() - started) };
    if (exitCode !== 0) throw new ToolFailedError(result);
    this.writePveConfigs();
    return result;
  }

  // ---- zfs ----------------------------------------------------------------------------------------------------

  private zfsCmd(a: string[], input?: string): string {
    const z = this.zfs;
    const verb = a.shift();
    const props = takeProps(a);
    switch (verb) {
      case 'version':
        return 'zfs-2.2.6-pve1\nzfs-kmod-2.2.6-pve1\n';
      case 'list':
        return this.zfsList(a);
      case 'get':
        return this.zfsGet(a);
      case 'snapshot': {
        const recursive = a[0] === '-r';
        z.snapshot(recursive ? a.slice(1) : a, props, recursive);
        return '';
      }
      case 'destroy': {
        if (a[0] === '-nvp') {
          const [ds, list] = a[1]!.split('@') as [string, string];
          const r = z.reclaim(
            ds,
            expandSnapshotRanges(
              list,
              z.snapshotsOf(ds).map((s) => s.name.slice(ds.length + 1)),
            ),
          );
          return r.names.map((n) => `destroy\t${n}\n`).join('') + `reclaim\t${r.bytes}\n`;
        }
        const recursive = a[0] === '-r';
        z.destroy(recursive ? a[1]! : a[0]!, recursive);
        return '';
      }
      case 'clone':
        z.clone(a[0]!, a[1]!, props);
        return '';
      case 'rename':
        z.rename(a[0]!, a[1]!);
        return '';
      case 'promote':
        z.promote(a[0]!);
        return '';
      case 'rollback': {
        const flag = a[0] === '-r' || a[0] === '-R' ? (a.shift() as '-r' | '-R') : '';
        z.rollback(a[0]!, flag);
        return '';
      }
      case 'mount': {
        const d = z.get(a[0]!);
        if (d.mounted) throw new ZfsError(`cannot mount '${d.name}': filesystem already mounted`);
        d.mounted = true;
        return '';
      }
      case 'unmount': {
        const d = z.get(a[0]!);
        if (!d.mounted) throw new ZfsError(`cannot unmount '${d.name}': not currently mounted`);
        d.mounted = false;
        return '';
      }
      case 'set': {
        const [kv, name] = a as [string, string];
        const eq = kv.indexOf('=');
        const d = z.get(name);
        d.local[kv.slice(0, eq)] = kv.slice(eq + 1);
        if (kv.startsWith('mountpoint=')) d.mountpoint = kv.slice(eq + 1);
        return '';
      }
      case 'inherit': {
        const [prop, name] = a as [string, string];
        const d = z.get(name);
        delete d.local[prop];
        // Inherited, as `zfs inherit` without -S makes it: a received value no longer shows either.
        if (d.received) delete d.received[prop];
        if (prop === 'mountpoint') d.mountpoint = `/${d.name}`;
        return '';
      }
      case 'create':
        z.create(a.filter((x) => x !== '-p')[0]!, 96 * 1024, props);
        return '';
      case 'hold': {
        const [tag, name] = a as [string, string];
        const d = z.get(name);
        if (d.holds.includes(tag)) throw new ZfsError(`cannot hold snapshot '${name}': tag already exists on this dataset`);
        d.holds.push(tag);
        return '';
      }
      case 'release': {
        const [tag, name] = a as [string, string];
        const d = z.get(name);
        if (!d.holds.includes(tag)) throw new ZfsError(`cannot release hold from snapshot '${name}': no such tag on this dataset`);
        d.holds = d.holds.filter((t) => t !== tag);
        return '';
      }
      case 'send': {
        const dry = a[0] === '-nvP';
        const rest = a.filter((x) => x !== '-p' && x !== '-nvP');
        const flag = rest[0] === '-i' || rest[0] === '-I' ? rest[0] : undefined;
        const to = rest.at(-1)!;
        const stream = simSend(z, to, flag ? { flag, snapshot: rest[1]! } : undefined);
        return dry ? simSendEstimate(stream, to) : JSON.stringify(stream);
      }
      case 'recv': {
        if (!input) throw new ZfsError('cannot receive: failed to read from stream');
        simReceive(z, JSON.parse(input) as SimStream, a.at(-1)!, a.includes('-F'));
        return '';
      }
      default:
        throw new ZfsError(`unrecognized command '${verb}'`, 2);
    }
  }

  private value(d: SimDataset, prop: string): string {
    const fs = d.type === 'filesystem';
    const space = () => this.zfs.spaceOf(d);
    switch (prop) {
      case 'name':
        return d.name;
      case 'type':
        return d.type;
      case 'guid':
        return d.guid;
      case 'createtxg':
        return String(d.createtxg);
      case 'creation':
        return String(d.creation);
      case 'used':
        return String(space().used);
      case 'referenced':
        return String(space().referenced);
      case 'origin':
        return d.origin ?? '-';
      case 'mountpoint':
        return fs ? (d.mountpoint ?? '-') : '-';
      case 'mounted':
        return fs ? (d.mounted ? 'yes' : 'no') : '-';
      case 'userrefs':
        return fs ? '-' : String(d.holds.length);
      case 'usedbysnapshots':
        return fs ? String(space().usedbysnapshots) : '-';
      case 'usedbydataset':
        return fs ? String(space().usedbydataset) : '-';
      case 'usedbychildren':
        return fs ? String(space().usedbychildren) : '-';
      case 'usedbyrefreservation':
        return fs ? '0' : '-';
      case 'available':
        return fs ? String(Math.max(0, this.zfs.poolSize - this.zfs.allocated())) : '-';
      case 'written':
        return String(space().written);
      default:
        return d.local[prop] ?? d.received?.[prop] ?? (prop.includes(':') ? this.inherited(d, prop) : '-');
    }
  }

  /** User properties inherit from the parent dataset (snapshots from their filesystem). */
  private inherited(d: SimDataset, prop: string): string {
    const parent = d.type === 'snapshot' ? d.name.slice(0, d.name.indexOf('@')) : d.name.includes('/') ? d.name.slice(0, d.name.lastIndexOf('/')) : undefined;
    const p = parent ? this.zfs.datasets.get(parent) : undefined;
    return p ? this.value(p, prop) : '-';
  }

  private select(root: string | undefined, recursive: boolean): SimDataset[] {
    const all = [...this.zfs.datasets.values()].sort((x, y) => (x.name < y.name ? -1 : 1));
    if (!root) return all;
    this.zfs.get(root);
    return all.filter((d) => d.name === root || (recursive && (d.name.startsWith(`${root}/`) || d.name.startsWith(`${root}@`))));
  }

  private zfsList(a: string[]): string {
    const cols = a[a.indexOf('-o') + 1]!.split(',');
    const root = a.at(-1)!.startsWith('-') || a.at(-1) === cols.join(',') || a.at(-1) === 'all' ? undefined : a.at(-1);
    return this.select(root, a.includes('-r'))
      .map((d) => cols.map((c) => this.value(d, c)).join('\t') + '\n')
      .join('');
  }

  private zfsGet(a: string[]): string {
    const o = a[a.indexOf('-o') + 1]!.split(',');
    const rest = a.filter((x, i) => !x.startsWith('-') && a[i - 1] !== '-o' && a[i - 1] !== '-s');
    const [propList, target] = rest as [string, string | undefined];
    if (a.includes('-s') && propList === 'all') {
      const d = this.zfs.get(target!);
      return Object.entries(d.local)
        .map(([k, v]) => `${k}\t${v}\n`)
        .join('');
    }
    const props = propList.split(',');
    const rows: string[] = [];
    for (const d of this.select(target, a.includes('-r'))) {
      for (const p of props) {
        const cells = o.map((f) => (f === 'name' ? d.name : f === 'property' ? p : f === 'value' ? this.value(d, p) : '-'));
        rows.push(cells.join('\t') + '\n');
      }
    }
    return rows.join('');
  }

  // ---- zpool --------------------------------------------------------------------------------------------------

  private zpoolCmd(a: string[]): string {
    const z = this.zfs;
    const alloc = z.allocated();
    if (a[0] === 'list') {
      const cols = a[a.indexOf('-o') + 1]!.split(',');
      const v: Record<string, string> = {
        name: this.pool,
        size: String(z.poolSize),
        allocated: String(alloc),
        free: String(z.poolSize - alloc),
        capacity: String(Math.floor((alloc * 100) / z.poolSize)),
        fragmentation: '17',
        health: 'ONLINE',
      };
      return cols.map((c) => v[c] ?? '-').join('\t') + '\n';
    }
    if (a[0] === 'status') {
      return [
        `  pool: ${this.pool}`,
        ' state: ONLINE',
        '  scan: scrub repaired 0B in 00:04:11 with 0 errors on Sun Nov  8 00:28:12 2026',
        'config:',
        '',
        '\tNAME                                              STATE     READ WRITE CKSUM',
        `\t${this.pool.padEnd(50)}ONLINE       0     0     0`,
        '\t  mirror-0                                        ONLINE       0     0     0',
        '\t    nvme-Samsung_SSD_980_PRO_1TB_S5GXNX0T123456-part3  ONLINE       0     0     0',
        '\t    nvme-Samsung_SSD_980_PRO_1TB_S5GXNX0T654321-part3  ONLINE       0     0     0',
        '',
        'errors: No known data errors',
        '',
      ].join('\n');
    }
    if (a[0] === 'upgrade') return 'This system supports ZFS pool feature flags.\n';
    throw new ZfsError(`unrecognized command '${a[0]}'`, 2);
  }

  // ---- pct / lxc ----------------------------------------------------------------------------------------------

  private ct(id: string | undefined): DemoContainer {
    const c = id ? this.containers.get(id) : undefined;
    if (!c) throw new ZfsError(`Configuration file 'nodes/demo/lxc/${id}.conf' does not exist`, 255);
    return c;
  }

  private pctCmd(a: string[]): string {
    const [verb, id] = a;
    if (verb === 'list') {
      if (!this.containers.size) return '';
      const f = (x: string[]) => `${x[0]!.padEnd(10)} ${x[1]!.padEnd(10)} ${x[2]!.padEnd(12)} ${x[3]!.padEnd(20)}\n`;
      return f(['VMID', 'Status', 'Lock', 'Name']) + [...this.containers.values()].map((c) => f([c.vmid, c.status, c.lock ?? '', c.name])).join('');
    }
    const c = this.ct(id);
    if (c.lock && verb !== 'unlock') throw new ZfsError(`CT is locked (${c.lock})`, 255);
    if (verb === 'shutdown' || verb === 'stop') c.status = 'stopped';
    else if (verb === 'start') c.status = 'running';
    return '';
  }

  private lxcCmd(tool: string, a: string[]): string {
    const name = a[a.indexOf('-n') + 1];
    if (tool === 'lxc-ls') {
      const rows = [...this.containers.values()].map((c, i) => [c.vmid, c.status.toUpperCase(), c.status === 'running' ? String(3100 + i * 97) : '-']);
      const w = [Math.max(4, ...rows.map((r) => r[0]!.length)), 7, 5];
      const line = (r: string[]) => r.map((x, i) => x.padEnd(w[i]!)).join(' ') + ' \n';
      return line(['NAME', 'STATE', 'PID']) + rows.map(line).join('');
    }
    const c = this.ct(name);
    if (tool === 'lxc-info') return `${c.status.toUpperCase()}\n`;
    if (tool === 'lxc-stop') c.status = 'stopped';
    if (tool === 'lxc-start') c.status = 'running';
    if (tool === 'lxc-checkpoint') {
      const dir = a[a.indexOf('-D') + 1]!;
      if (a.includes('-r')) {
        c.status = 'running';
        return '';
      }
      mkdirSync(dir, { recursive: true });
      for (const f of ['inventory.img', 'pstree.img', 'core-1.img', 'pages-1.img']) writeFileSync(`${dir}/${f}`, Buffer.alloc(c.memory, 1));
      writeFileSync(`${dir}/dump.log`, 'Dumping finished successfully\n');
    }
    return '';
  }

  /**
   * The node's guests are the configs in its directory, as on Proxmox: one moved away (to another node's directory)
   * is gone from here, one that appeared (moved here, a copy brought up here) is a stopped container of this node.
   */
  private followConfigs(): void {
    if (!existsSync(this.pveDir)) return;
    const files = new Set(readdirSync(this.pveDir).filter((f) => /^\d+\.conf$/.test(f)));
    for (const [id, c] of [...this.containers]) {
      if (files.has(`${id}.conf`)) continue;
      this.containers.delete(id);
      this.departed.set(id, c);
    }
    for (const f of files) {
      const vmid = f.slice(0, -'.conf'.length);
      if (this.containers.has(vmid)) continue;
      // Back (a move undone): as it was, with its lock, memory and Proxmox snapshots.
      const back = this.departed.get(vmid);
      if (back) {
        this.departed.delete(vmid);
        this.containers.set(vmid, back);
        continue;
      }
      const text = readFileSync(`${this.pveDir}/${f}`, 'utf8');
      const key = (k: string) => /^([a-z0-9]+):\s*(.*)$/.exec(text.split('\n').find((l) => l.startsWith(`${k}:`)) ?? '')?.[2];
      this.containers.set(vmid, {
        vmid,
        name: key('hostname') ?? `CT${vmid}`,
        status: 'stopped',
        rootfs: (key('rootfs') ?? '').split(',')[0]!,
        memory: Number(key('memory') ?? 512),
        adopted: true,
      });
    }
  }

  /** /etc/pve/lxc/<vmid>.conf as Proxmox writes them, kept in step with the simulated containers. */
  writePveConfigs(): void {
    mkdirSync(this.pveDir, { recursive: true });
    for (const c of this.containers.values()) {
      if (c.adopted) continue;
      // Keys sorted, as Proxmox writes them; `parent` is the snapshot the live state grew from.
      const keys = (parent: string | undefined, snaptime?: number) => [
        `arch: amd64`,
        `cores: 2`,
        `hostname: ${c.name}`,
        ...(c.lock && snaptime === undefined ? [`lock: ${c.lock}`] : []),
        `memory: 2048`,
        `net0: name=eth0,bridge=vmbr0,ip=dhcp,type=veth`,
        `ostype: debian`,
        ...(parent ? [`parent: ${parent}`] : []),
        `rootfs: ${c.rootfs},size=8G`,
        ...(snaptime !== undefined ? [`snaptime: ${snaptime}`] : []),
        `swap: 512`,
        `unprivileged: 1`,
      ];
      const snaps = c.snapshots ?? [];
      const lines = keys(snaps.at(-1)?.name);
      // One `[name]` section per snapshot, in alphabetical order (not time order).
      const sections = snaps.map((s, i) => ({ name: s.name, lines: keys(snaps[i - 1]?.name, s.snaptime) }));
      for (const s of sections.sort((a, b) => (a.name < b.name ? -1 : 1))) lines.push('', `[${s.name}]`, ...s.lines);
      writeFileSync(`${this.pveDir}/${c.vmid}.conf`, lines.join('\n') + '\n');
    }
  }
}

function takeProps(a: string[]): Record<string, string> {
  const props: Record<string, string> = {};
  for (let i = 0; i < a.length;) {
    if (a[i] === '-o' && a[i + 1]?.includes('=') && !a.includes('-H')) {
      const kv = a[i + 1]!;
      props[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
      a.splice(i, 2);
    } else i++;
  }
  return props;
}

/** What a zfs verb takes on a Proxmox node (ms): a change waits for a txg sync, a read does not. */
const ZFS_LATENCY: Record<string, number> = {
  snapshot: 180,
  clone: 160,
  promote: 240,
  rename: 210,
  destroy: 190,
  rollback: 260,
  mount: 90,
  unmount: 120,
  set: 70,
  inherit: 70,
  hold: 60,
  release: 60,
  recv: 300,
  list: 35,
  get: 25,
};

/** A believable time (ms) for one command on a Proxmox node, varying a little from call to call. */
function realLatency(tool: string, verb: string, n: number): number {
  const base = tool === 'zfs' ? (ZFS_LATENCY[verb] ?? 20) : tool === 'pct' ? 650 : tool === 'zpool' ? 30 : tool.startsWith('lxc-') ? 45 : 10;
  return Math.round(base * (0.7 + ((n * 7919) % 61) / 100));
}

/**
 * OpenZFS's snapshot list syntax for `zfs destroy`: names separated by commas, and `first%last` for the inclusive
 * range between two snapshots (either end blank: the oldest or the newest), in creation order.
 */
export function expandSnapshotRanges(list: string, inOrder: readonly string[]): string[] {
  return list.split(',').flatMap((item) => {
    const cut = item.indexOf('%');
    if (cut < 0) return [item];
    const [first, last] = [item.slice(0, cut), item.slice(cut + 1)];
    const from = first ? inOrder.indexOf(first) : 0;
    const to = last ? inOrder.indexOf(last) : inOrder.length - 1;
    if (from < 0 || to < 0) throw new ZfsError(`could not find any snapshots to destroy; check snapshot names.`, 1);
    return inOrder.slice(from, to + 1);
  });
}
