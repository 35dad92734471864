import type { CoreContext } from '../context.js';
import { LxcriError, RefusedError } from '../errors.js';
import type { ContainerSourceName } from '../containers/types.js';
import { USER_PREFIX, USER_PROPS } from '../model/dataset.js';
import { Inventory } from '../model/inventory.js';
import { ownFamily } from '../model/ownership.js';
import { cloneOrder } from '../model/replication.js';
import { poolOf } from '../tools/zfs/names.js';
import { checkpointProps } from './checkpoint.js';
import type { OperationDef } from './engine.js';
import type { LoadedContainer } from './container.js';
import { liveStatus, startContainer, stopContainer, type Lifecycle } from './lifecycle.js';
import {
  blocks,
  dropPeer,
  movedFrom,
  moveHolds,
  peersOf,
  replicaHolds,
  replicationTag,
  sendWhatIsMissing,
  type PreflightCheck,
  type ReplicatePlan,
  type ReplicationTarget,
} from './replicate.js';
import type { Step } from './steps.js';

/** Where a container's configuration lives on a node, by the source that knows it. */
export function configPath(ctx: CoreContext, kind: ContainerSourceName, id: string, node: string): string | undefined {
  if (kind === 'lxc') return `${ctx.config.lxc.path}/${id}/config`;
  // Proxmox keeps every node's guest configs in the cluster filesystem: /etc/pve/nodes/<node>/lxc/<vmid>.conf.
  if (kind === 'pct') return `${pveRoot(ctx)}/nodes/${node}/lxc/${id}.conf`;
  return undefined;
}

const pveRoot = (ctx: CoreContext) => ctx.config.pve.members.replace(/\/[^/]*$/, '');

/** A move as it will run: the pre-flight table, the pre-copy, and the steps with the container down. */
export interface MovePlan {
  container: string;
  from: string;
  to: string;
  kind: ContainerSourceName;
  running: boolean;
  keepSource: boolean;
  /** The snapshot taken with the container stopped: the target starts from exactly it. */
  finalSnapshot: string;
  preflight: PreflightCheck[];
  /** The replication while it still runs (full the first time, then incremental). */
  precopy: ReplicatePlan;
  /** The steps with the container down, in order. */
  steps: string[];
}

export interface MoveInput {
  id: string;
  kind: ContainerSourceName;
  sources: Lifecycle['sources'];
  dataset: string;
  source: string;
  to: string;
  wasRunning: boolean;
  keepSource: boolean;
  finalSnapshot: string;
  /** LXC: the files of its directory under lxc.path (copied there, removed here). */
  lxcFiles?: string[];
}

const REPLICA_OF = USER_PREFIX + USER_PROPS.replicaOf;
/** Set on the source when its removal begins: the move can then only be finished. */
const MOVED_TO = `${USER_PREFIX}moved-to`;
const MOVED_FROM = USER_PREFIX + USER_PROPS.movedFrom;

/** What the target must offer besides room: the id free there, and no HA resource owning the container. */
export async function movePreflight(
  ctx: CoreContext,
  c: LoadedContainer,
  target: ReplicationTarget,
  dst: Inventory,
  kind: ContainerSourceName,
): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  const there = dst.get(c.dataset);
  // Its replica there: made from here, or from the node it was moved here from (taken over by the pre-copy).
  const from = movedFrom(c, target.node);
  const ours = [`${ctx.node ?? target.source}:${c.dataset}`, ...(from ? [`${from}:${c.dataset}`] : [])];
  const replicaOfThis = ours.includes(there?.user[USER_PROPS.replicaOf] ?? '');
  const path = configPath(ctx, kind, c.id, target.node);
  const configThere = path && target.ctx && kind === 'lxc' ? (await target.ctx.fs.readFile(path)) !== undefined : false;
  checks.push({ check: 'id', subject: c.id, ok: (!there || replicaOfThis) && !configThere });
  // HA resources are cluster-wide (/etc/pve/ha/resources.cfg): ha-manager would start it where it wants.
  const ha = (await ctx.fs.readFile(`${pveRoot(ctx)}/ha/resources.cfg`)) ?? '';
  checks.push({ check: 'ha', subject: c.id, ok: !new RegExp(`^\\s*ct:\\s*${c.id}\\s*$`, 'm').test(ha) });
  // Holds other than this tool's replication holds would stop the source from being removed afterwards.
  const family = ownFamily(c.inventory, c.dataset);
  const foreign = c.inventory.records.find((r) => r.type === 'snapshot' && family.includes(r.name.split('@')[0]!) && r.userrefs > peersOf(r).length);
  checks.push({ check: 'holds', subject: foreign?.name ?? c.dataset, ok: foreign === undefined });
  const outside = keptOutside(c.inventory, family);
  checks.push({ check: 'outside', subject: outside ?? c.dataset, ok: outside === undefined });
  return checks;
}

/**
 * A dataset the move would take with it but not send: a child of one of the tree's datasets (`zfs destroy -r` would
 * take it) or another tool's clone of one of its snapshots (a Proxmox linked clone). Undefined when there is none.
 */
export function keptOutside(inv: Inventory, family: readonly string[]): string | undefined {
  const mine = new Set(family);
  for (const rec of inv.filesystems) {
    if (mine.has(rec.name)) continue;
    const parent = rec.name.slice(0, rec.name.lastIndexOf('/'));
    if (mine.has(parent)) return rec.name;
    if (rec.origin && mine.has(rec.origin.split('@')[0]!)) return rec.name;
  }
  return undefined;
}

/**
 * Moves a container to another node, its whole checkpoint tree with it: the pre-copy is a replication made while it
 * runs (the caller's), then, journaled here: stop, a final checkpoint, the last increment (seconds of data), the
 * replica made the container on the target (writable, no longer a replica, its config moved), started there,
 * verified (the target's newest snapshot is the final checkpoint, by guid), and only then the source removed (every
 * dataset of its tree and its config; `keepSource` keeps it, stopped). A failure or a kill before the source is
 * removed puts everything back: the replica a replica again, the source started.
 */
export const MOVE: OperationDef<MoveInput> = {
  name: 'move',
  steps(ctx, input) {
    const target = () => {
      if (!ctx.peer)
        throw new LxcriError('unsupported', `this move to ${input.to} needs the cluster's nodes`, 'run it from a console with the cluster configured', 1);
      const t = ctx.peer(input.to);
      if (!t.ctx) throw new LxcriError('unsupported', `cannot reach ${input.to}'s files from here`, 'run it from a console with the cluster configured', 1);
      return { ...t, ctx: t.ctx };
    };
    const lc: Lifecycle = { id: input.id, sources: input.sources, wasRunning: input.wasRunning, start: true };
    const pool = poolOf(input.dataset);
    const replicaOf = `${input.source}:${input.dataset}`;
    const family = async (zfs: CoreContext['zfs']) => {
      const inv = new Inventory(await zfs.listAll(pool));
      return { inv, family: inv.get(input.dataset) ? ownFamily(inv, input.dataset) : [] };
    };
    // Once the source is removed the move can only be finished: undoing the target's steps would leave no container.
    // The removal marks the source first (`lxcri:moved-to`): from then on every undo refuses, whatever is left of it.
    const refuseUndoWhenSourceGone = async () => {
      const gone = !(await ctx.zfs.exists(input.dataset)) || (await ctx.zfs.localProperties(input.dataset))[MOVED_TO] !== undefined;
      if (gone) {
        throw new RefusedError(`${input.id} is being removed from ${input.source} already: the move cannot be undone`, 'finish it instead (recover --finish)');
      }
    };
    const steps: Step[] = [];
    // Always, for a container this tool can stop: it may have been started during the pre-copy (stopping a stopped one
    // does nothing).
    if (input.wasRunning || input.kind === 'lxc' || input.kind === 'pct') {
      steps.push({
        title: `stop ${input.id} on ${input.source}`,
        run: () => stopContainer(ctx, lc),
        undo: async () => {
          await refuseUndoWhenSourceGone();
          if (input.wasRunning) await startContainer(ctx, lc);
        },
      });
    }
    steps.push({
      title: `final checkpoint ${input.dataset}@${input.finalSnapshot}`,
      run: async () => {
        if (!(await ctx.zfs.exists(`${input.dataset}@${input.finalSnapshot}`))) {
          await ctx.zfs.snapshot([`${input.dataset}@${input.finalSnapshot}`], checkpointProps(ctx, 'checkpoint', `moved to ${input.to}`));
        }
      },
    });
    steps.push({
      title: `send the last increment to ${input.to}`,
      run: async () => {
        const t = target();
        const { inventory, tips, replica } = await sendWhatIsMissing(ctx, t, input.dataset, replicaOf);
        // Downtime: the replica's listing is read again only when it does not follow from what was sent.
        await Promise.all([moveHolds(ctx.zfs, inventory, tips, input.to), replica().then((after) => replicaHolds(t.zfs, after, tips, input.source))]);
      },
    });
    steps.push({
      title: `make the replica on ${input.to} the container ${input.id} (writable, its config there)`,
      run: async () => {
        const t = target();
        const { family: datasets } = await family(t.zfs);
        for (const ds of datasets) {
          await t.zfs.inherit(ds, REPLICA_OF);
          await t.zfs.set(ds, { readonly: 'off', canmount: 'on' });
        }
        // Its replicas on other nodes, made from here, are taken over by its next replication from there.
        await t.zfs.set(input.dataset, { [MOVED_FROM]: input.source });
        await t.zfs.mount(input.dataset).catch((error: unknown) => {
          if (!(error instanceof LxcriError && error.code === 'already-mounted')) throw error;
        });
        await moveConfig(ctx, t.ctx, input, 'there');
      },
      undo: async () => {
        await refuseUndoWhenSourceGone();
        const t = target();
        await moveConfig(ctx, t.ctx, input, 'back');
        const { family: datasets } = await family(t.zfs);
        await t.zfs.inherit(input.dataset, MOVED_FROM);
        const zfuse = (await t.zfs.detect()).flavour === 'zfs-fuse';
        for (const ds of datasets) {
          await t.zfs.set(ds, { readonly: 'on', [REPLICA_OF]: replicaOf, ...(zfuse ? { canmount: 'noauto' } : {}) });
          if (zfuse) await t.zfs.unmount(ds).catch(() => undefined);
        }
      },
    });
    if (input.wasRunning) {
      steps.push({
        title: `start ${input.id} on ${input.to}`,
        run: () => startContainer(target().ctx, lc),
        undo: async () => {
          await refuseUndoWhenSourceGone();
          await stopContainer(target().ctx, lc);
        },
      });
    }
    steps.push({
      title: `verify ${input.id} on ${input.to}: its newest snapshot is the final checkpoint${input.wasRunning ? ', and it runs' : ''}`,
      run: async () => {
        const t = target();
        const [src, dst] = await Promise.all([ctx.zfs.guid(`${input.dataset}@${input.finalSnapshot}`), t.zfs.listAll(pool)]);
        const inv = new Inventory(dst);
        const newest = inv.snapshotsOf(input.dataset).at(-1);
        if (!newest || newest.guid !== src || inv.get(input.dataset)?.user[USER_PROPS.replicaOf]) {
          throw new LxcriError(
            'verify-failed',
            `${input.to} does not have ${input.dataset} at the final checkpoint`,
            'nothing was removed; see the log file',
            1,
          );
        }
        if (input.wasRunning) {
          const status = await liveStatus(t.ctx, { id: input.id, name: input.id, status: 'unknown', sources: input.sources, mounts: [] });
          if (status !== 'running')
            throw new LxcriError('verify-failed', `${input.id} is ${status} on ${input.to}, not running`, 'nothing was removed; see its log', 1);
        }
      },
    });
    if (!input.keepSource) {
      steps.push({
        title: `remove ${input.id} from ${input.source} (every dataset of its tree${input.kind === 'lxc' ? ', its config' : ''})`,
        run: async () => {
          const { inv, family: datasets } = await family(ctx.zfs);
          // Checked again now, before anything here changes: a child dataset or another tool's clone made since the
          // pre-flight was not sent, and is not destroyed.
          const left = keptOutside(inv, datasets);
          if (left) {
            throw new RefusedError(
              `${left} appeared beside ${input.id}'s tree on ${input.source}: ${input.id} is on ${input.to} now and is left here too, stopped and untouched`,
              `move or destroy ${left}, then remove ${input.id} from ${input.source} by hand`,
            );
          }
          if (await ctx.zfs.exists(input.dataset)) await ctx.zfs.set(input.dataset, { [MOVED_TO]: input.to });
          // This tool's replication holds go first (the tree leaves with the container); clones before origins.
          for (const snap of inv.records.filter((r) => r.type === 'snapshot' && datasets.includes(r.name.split('@')[0]!))) {
            for (const peer of peersOf(snap)) await ctx.zfs.release(replicationTag(peer), snap.name).catch(() => undefined);
          }
          for (const ds of cloneOrder(inv, datasets).reverse()) if (await ctx.zfs.exists(ds)) await ctx.zfs.destroy(ds, { recursive: true });
          if (input.kind === 'lxc') for (const f of input.lxcFiles ?? []) await ctx.fs.remove(`${ctx.config.lxc.path}/${input.id}/${f}`);
          // The moved tree has no peer on the source any more: its holds for the source go too.
          const t = target();
          const { inv: there, family: theirs } = await family(t.zfs);
          await dropPeer(
            t.zfs,
            there.records.filter((r) => r.type === 'snapshot' && theirs.includes(r.name.split('@')[0]!)),
            input.source,
          );
        },
        // The container runs on the target by now: a failure here leaves a source to remove by hand, nothing lost.
        onFailure: 'stop',
      });
    }
    return steps;
  },
};

/**
 * The container's configuration to the target (`there`) or back. Proxmox: the config file renamed between the two
 * nodes' directories in /etc/pve (what `pct migrate` does once the disks are there; pmxcfs makes it cluster-wide).
 * LXC: the config copied to the target's LXC path (the source's stays until the source is removed).
 */
async function moveConfig(ctx: CoreContext, targetCtx: CoreContext, input: MoveInput, way: 'there' | 'back'): Promise<void> {
  if (input.kind === 'pct') {
    const from = configPath(ctx, 'pct', input.id, input.source)!;
    const to = configPath(ctx, 'pct', input.id, input.to)!;
    const [a, b] = way === 'there' ? [from, to] : [to, from];
    if ((await ctx.fs.readFile(a)) !== undefined && (await ctx.fs.readFile(b)) === undefined) await ctx.fs.rename(a, b);
    return;
  }
  if (input.kind !== 'lxc') return;
  const path = configPath(ctx, 'lxc', input.id, input.to)!;
  if (way === 'back') {
    // Only a copy this move made: the same text as the source's.
    const [mine, theirs] = await Promise.all([ctx.fs.readFile(path), targetCtx.fs.readFile(path)]);
    if (theirs !== undefined && theirs === mine && targetCtx.fs.where !== ctx.fs.where) {
      for (const f of input.lxcFiles ?? ['config']) await targetCtx.fs.remove(`${ctx.config.lxc.path}/${input.id}/${f}`);
    }
    return;
  }
  // Every file of the container's LXC directory (config, fstab, hooks): what is removed here at the end.
  const dir = `${ctx.config.lxc.path}/${input.id}`;
  for (const f of input.lxcFiles ?? ['config']) {
    const text = await ctx.fs.readFile(`${dir}/${f}`);
    if (text === undefined) throw new LxcriError('not-found', `the LXC file ${dir}/${f} of ${input.id} is gone`, 'nothing was moved; check the container', 1);
    await targetCtx.fs.writeAtomic(`${dir}/${f}`, text);
  }
}

/** Refuses a move whose pre-flight failed, naming every failed check. */
export function refuseFailedPreflight(c: LoadedContainer, to: string, checks: readonly PreflightCheck[]): void {
  const failed = checks.filter(blocks);
  if (!failed.length) return;
  throw new RefusedError(
    `cannot move ${c.id} to ${to}: ${failed.map((p) => preflightProblem(p, to)).join('; ')}`,
    'nothing was changed; fix that and retry (see --dry-run)',
  );
}

export function preflightProblem(p: PreflightCheck, node: string): string {
  switch (p.check) {
    case 'space':
      return `not enough room under ${p.subject} (${p.have} bytes free, about ${p.need} to send)`;
    case 'id':
      return `id ${p.subject} is taken on ${node}`;
    case 'ha':
      return `${p.subject} is managed by Proxmox HA (ha-manager decides where it runs: use \`ha-manager migrate ct:${p.subject} ${node}\`)`;
    case 'holds':
      return `${p.subject} has a hold of another tool's`;
    case 'outside':
      return `${p.subject} would go with it unsent (a child dataset, or another tool's clone of its snapshots): move or destroy it first`;
    default:
      return `${p.check} ${p.subject} is missing there`;
  }
}

/** The files of an LXC container's directory (config, fstab, hooks): what a move copies. Directories (a rootfs) are not. */
export async function lxcFilesOf(ctx: CoreContext, id: string): Promise<string[]> {
  const dir = `${ctx.config.lxc.path}/${id}`;
  const names = await ctx.fs.readDir(dir);
  const readable = await Promise.all(names.map(async (n) => ((await ctx.fs.readFile(`${dir}/${n}`)) !== undefined ? n : undefined)));
  return readable.filter((n): n is string => n !== undefined);
}
