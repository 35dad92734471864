import type { RestoreOnPlan } from '../core/nodes/restore-on.js';
import { replicationLines } from './replication-lines.js';

/** The preview of bringing a checkpoint up on another node: what is replicated first, then the new container there. */
export function restoreOnLines(plan: RestoreOnPlan): string[] {
  const start = plan.copy.start && (plan.kind === 'lxc' || plan.kind === 'pct');
  return [
    `bring ${plan.snapshot} up on ${plan.to} as a new container ${plan.id} (${plan.container} on ${plan.from} is not touched):`,
    ...(plan.replicate
      ? [`  1. ${plan.to} lacks it: replicate first`, ...replicationLines(plan.container, plan.from, plan.to, plan.replicate).map((l) => `     ${l}`)]
      : [`  1. ${plan.to} has it already (${plan.copy.origin})`]),
    `  2. on ${plan.to}: clone it as ${plan.dataset} (writable)`,
    ...(plan.copy.config ? [`     write its config ${plan.copy.config.path} (the original's, for ${plan.id})`] : []),
    ...(start ? [`     start ${plan.id}`] : []),
    ...(plan.copy.config?.staticIps?.length
      ? [
          `  not started: it has the original's static address(es) ${plan.copy.config.staticIps.join(', ')}; change them in ${plan.copy.config.path}, then start it`,
        ]
      : []),
    ...(plan.copy.config ? ["  it gets a new MAC address; its hostname is the original's"] : []),
  ];
}
