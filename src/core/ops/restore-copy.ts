import { randomBytes } from 'node:crypto';
import type { CoreContext } from '../context.js';
import type { ContainerSourceName } from '../containers/types.js';
import { LxcriError, RefusedError, UsageError } from '../errors.js';
import { parentDataset } from '../tools/zfs/names.js';
import type { OperationDef } from './engine.js';
import { startContainer, stopContainer, type Lifecycle } from './lifecycle.js';
import { configPath } from './move.js';
import type { Step } from './steps.js';
import { tolerate } from './steps.js';

/**
 * A checkpoint brought up as a new container on a node that has it (its replica there): the journaled steps run on
 * that node, so its own journal and `recover` know them.
 */
export interface RestoreCopyInput {
  /** The new container's id there. */
  id: string;
  /** The container it is a copy of, and its node, for messages. */
  of: string;
  from: string;
  kind: ContainerSourceName;
  sources: Lifecycle['sources'];
  /** The snapshot cloned, as named on this node. */
  origin: string;
  dataset: string;
  /** The config to write there (LXC or Proxmox), already rewritten for the new id and dataset. */
  config?: { path: string; text: string; sourceMount?: string; staticIps?: string[] };
  start: boolean;
}

export const RESTORE_COPY: OperationDef<RestoreCopyInput> = {
  name: 'restore-copy',
  steps(ctx, input, recovering) {
    const lc: Lifecycle = { id: input.id, sources: input.sources, wasRunning: true, start: true };
    const steps: Step[] = [
      {
        title: `clone ${input.origin} as ${input.dataset} (writable)`,
        run: () => tolerate(() => ctx.zfs.clone(input.origin, input.dataset, { readonly: 'off' }), ...(recovering ? ['exists'] : [])),
        undo: async () => {
          if (await ctx.zfs.exists(input.dataset)) await ctx.zfs.destroy(input.dataset, { recursive: true });
        },
      },
    ];
    if (input.config) {
      const config = input.config;
      steps.push({
        title: `write its config ${config.path}`,
        run: async () => {
          // A directory rootfs (`dir:<mountpoint>`) follows the clone's own mountpoint there.
          let text = config.text;
          if (config.sourceMount) {
            const mount = await mountpointOf(ctx, input.dataset);
            text = text.split(config.sourceMount).join(mount);
          }
          // Never over another container's config: one already there must be this copy's own (a step run again).
          const there = await ctx.fs.readFile(config.path);
          if (there !== undefined && there !== text) {
            throw new RefusedError(`${config.path} exists on this node already`, `the id ${input.id} is taken here: choose another with --as`);
          }
          if (there === undefined) await ctx.fs.writeAtomic(config.path, text);
        },
        // Only the file this step wrote.
        undo: () => ctx.fs.remove(config.path),
      });
    }
    if (input.start && (input.kind === 'lxc' || input.kind === 'pct')) {
      steps.push({ title: `start ${input.id}`, run: () => startContainer(ctx, lc), undo: () => stopContainer(ctx, lc), onFailure: 'stop' });
    }
    return steps;
  },
};

async function mountpointOf(ctx: CoreContext, dataset: string): Promise<string> {
  const rec = (await ctx.zfs.listAll(dataset)).find((r) => r.name === dataset);
  if (!rec?.mountpoint) throw new LxcriError('not-mounted', `${dataset} has no mountpoint`, 'check the clone with `zfs get mountpoint`', 1);
  return rec.mountpoint;
}

/** The new container's dataset: the source's name with its id replaced (`subvol-101-disk-0` -> `subvol-120-disk-0`). */
export function copyDataset(dataset: string, id: string, newId: string): string {
  const parent = parentDataset(dataset);
  const leaf = dataset.slice(parent ? parent.length + 1 : 0);
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const renamed = leaf === id ? newId : leaf.replace(new RegExp(`(^|-)${escaped}(-|$)`), `$1${newId}$2`);
  const out = renamed === leaf ? newId : renamed;
  return parent ? `${parent}/${out}` : out;
}

/**
 * The config for the copy: LXC's with the dataset (and a `dir:` rootfs's mountpoint, filled in on the node) changed;
 * Proxmox's with the rootfs volume renamed, and its snapshot sections, `parent:` and `lock:` dropped (those snapshots
 * are the original's). A Proxmox container with other volumes (`mpN`) is refused: only its rootfs travels.
 */
export function copyConfig(
  ctx: CoreContext,
  kind: ContainerSourceName,
  text: string | undefined,
  c: { id: string; dataset: string; mount?: string },
  newId: string,
  node: string,
): RestoreCopyInput['config'] {
  const path = configPath(ctx, kind, newId, node);
  if (!path) return undefined;
  if (text === undefined) throw new LxcriError('not-found', `the config of ${c.id} cannot be read`, 'check the container on its node', 1);
  const leaf = (ds: string) => ds.slice(ds.lastIndexOf('/') + 1);
  const dataset = copyDataset(c.dataset, c.id, newId);
  if (kind === 'pct') {
    if (!/^\d+$/.test(newId) || Number(newId) < 100) {
      throw new UsageError(
        `a Proxmox container's id is a number from 100, got '${newId}'`,
        'choose another with --as, or leave --as out for the next free one',
      );
    }
    const main = text.split(/^\[/m)[0]!;
    if (/^mp\d+:/m.test(main)) {
      throw new RefusedError(
        `container ${c.id} has mount point volumes (mpN)`,
        'only its rootfs can be brought up elsewhere for now: restore it on its own node',
      );
    }
    // unusedN names the original's detached volumes: a later `pct destroy` of the copy would purge them.
    const lines = main
      .split('\n')
      .filter((l) => !/^(parent|lock|unused\d+):/.test(l))
      .map((l) => (l.startsWith('rootfs:') ? l.replace(leaf(c.dataset), leaf(dataset)) : l))
      .map((l) => (/^net\d+:/.test(l) ? l.replace(/hwaddr=[0-9A-Fa-f:]{17}/, () => `hwaddr=${mac()}`) : l));
    const out = lines.join('\n').replace(/\n*$/, '\n');
    return { path, text: out, staticIps: [...out.matchAll(/^net\d+:.*\bip6?=([^,\s]+)/gm)].map((m) => m[1]!).filter((ip) => !/^(dhcp|auto|manual)$/.test(ip)) };
  }
  const replaced = text
    .split(c.dataset)
    .join(dataset)
    // A new MAC address, as `pct clone` and `lxc-copy` give a copy.
    .replace(/^(\s*lxc\.net\.\d+\.hwaddr\s*=\s*)\S+/gm, (_m, key: string) => `${key}${mac()}`);
  const staticIps = [...replaced.matchAll(/^\s*lxc\.net\.\d+\.ipv[46]\.address\s*=\s*(\S+)/gm)].map((m) => m[1]!);
  return { path, text: replaced, staticIps, ...(c.mount && replaced.includes(c.mount) ? { sourceMount: c.mount } : {}) };
}

/** A random locally administered unicast MAC address (the second-lowest bit of the first byte set, the lowest clear). */
function mac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfc) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** The lowest free numeric id from 100 (as Proxmox's nextid), or `<id>-copy[N]` for a named container. */
export function freeId(id: string, taken: ReadonlySet<string>): string {
  if (/^\d+$/.test(id)) {
    for (let n = 100; n < 1_000_000_000; n++) if (!taken.has(String(n))) return String(n);
  }
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? `${id}-copy` : `${id}-copy${n}`;
    if (!taken.has(candidate)) return candidate;
  }
  throw new UsageError(`no free id for a copy of ${id}`, 'name one with --as');
}
