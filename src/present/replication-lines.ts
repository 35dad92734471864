import type { ReplicationPlan, ReplicationStep } from '../core/model/replication.js';
import type { PreflightCheck } from '../core/ops/replicate.js';
import type { ImageToCopy } from '../core/ops/replicate-images.js';
import { formatBytes } from './units.js';

function stepLine(s: ReplicationStep): string {
  if (s.kind === 'clone') return `clone ${s.origin} as ${s.dataset} (a line with no checkpoint of its own yet)`;
  if (s.kind === 'replay') return `replay the branch restore: ${s.dataset} is set aside as ${s.branch}, ${s.from ?? s.branch}@${s.at} becomes ${s.dataset}`;
  const what = s.from
    ? s.incremental === '-i'
      ? `clone stream from ${s.from} to ${s.to}`
      : `${s.snapshots} new checkpoint(s) after ${s.from} up to ${s.to}`
    : `${s.to} in full`;
  return `send ${what} (~${formatBytes(s.bytes)})`;
}

function imagesLine(p: PreflightCheck): string {
  const parts = [
    ...(p.count ? [`${p.count} to copy (${formatBytes(p.need ?? 0)})`] : []),
    ...(p.there ? [`${p.there} there already${p.count ? '' : ' (a shared store, or copied before)'}`] : []),
    ...(p.missing ? [`${p.missing} not complete in the source node's store (not copied: those checkpoints restore without their processes there)`] : []),
  ];
  return `CRIU images: ${parts.join(', ')}`;
}

export function checkLine(p: PreflightCheck): string {
  const mark = p.ok ? 'ok' : p.advisory ? 'warn' : 'NO';
  switch (p.check) {
    case 'images':
      return `${mark}  ${imagesLine(p)}`;
    case 'criu':
      return `${mark}  criu check on ${p.subject} ${p.ok ? 'passes' : `fails: ${p.reason ?? 'unknown'}; its stateful checkpoints would restore without their processes`}`;
    case 'space':
      return `${mark}  room under ${p.subject}: ${p.have !== undefined ? `${formatBytes(p.have)} free` : 'unknown'}, ~${formatBytes(p.need ?? 0)} to send`;
    case 'id':
      return `${mark}  id ${p.subject} ${p.ok ? "free there (or only this container's replica)" : 'taken there'}`;
    case 'ha':
      return `${mark}  ${p.ok ? 'not managed by Proxmox HA' : `managed by Proxmox HA (ct:${p.subject})`}`;
    case 'outside':
      return `${mark}  ${p.ok ? 'nothing outside its tree goes with it' : `${p.subject} would go with it unsent (a child dataset or another tool's clone)`}`;
    case 'holds':
      return `${mark}  ${p.ok ? "no holds but this tool's" : `${p.subject} is held by another tool`}`;
    default:
      return `${mark}  ${p.check} ${p.subject} ${p.ok ? 'present' : 'missing'}`;
  }
}

/** The preview of a replication: the pre-flight checks, what goes over, what is current already, where the holds will be. */
export function replicationLines(
  container: string,
  from: string,
  to: string,
  plan: ReplicationPlan & { preflight?: PreflightCheck[]; images?: ImageToCopy[]; targetBase?: string; adopts?: string },
): string[] {
  const adopt = plan.adopts
    ? [`  the replica on ${to} was made from ${plan.adopts}, where ${container} was before it moved to ${from}: it goes on from it, as ${from}'s`]
    : [];
  const checks = plan.preflight ? [`pre-flight on ${to}:`, ...plan.preflight.map((p) => `  ${checkLine(p)}`)] : [];
  const images = (plan.images ?? []).map((i) => `  copy the CRIU image of ${i.snapshot} into ${to}'s store (${formatBytes(i.bytes)}, sha256 checked there)`);
  if (!plan.steps.length && (images.length || adopt.length))
    return [...checks, `replicate ${container} from ${from} to ${to}: the datasets are up to date`, ...adopt, ...images];
  if (!plan.steps.length) return [`${container}: the replica on ${to} is up to date with ${from} (${plan.current.length} line(s))`];
  return [
    ...checks,
    `replicate ${container} from ${from} to ${to}: ${plan.steps.length} step(s), ~${formatBytes(plan.bytes)} to send`,
    ...(plan.targetBase ? [`  on ${to} under ${plan.targetBase} (replication.target_base); the names below are ${from}'s`] : []),
    ...adopt,
    ...plan.steps.map((s) => `  ${stepLine(s)}`),
    ...(plan.current.length ? [`  up to date already: ${plan.current.join(', ')}`] : []),
    `  then the new bases are held on both sides (lxcri-repl:<peer>): ${plan.tips.map((t) => t.snapshot).join(', ')}`,
    ...images,
  ];
}
