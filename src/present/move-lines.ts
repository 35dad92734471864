import type { MovePlan } from '../core/ops/move.js';
import { checkLine, replicationLines } from './replication-lines.js';

/** The preview of a move: the pre-flight table, the pre-copy while it runs, then the steps with it down. */
export function moveLines(plan: MovePlan): string[] {
  const { preflight: _checkedAbove, ...bare } = plan.precopy;
  const precopy = replicationLines(plan.container, plan.from, plan.to, bare);
  return [
    `pre-flight on ${plan.to}:`,
    ...plan.preflight.map((p) => `  ${checkLine(p)}`),
    `move ${plan.container} (${plan.running ? 'running' : 'stopped'}) from ${plan.from} to ${plan.to}, with its whole checkpoint tree:`,
    `  1. while it ${plan.running ? 'runs' : 'is stopped'}: ${precopy[0]!.replace(/^replicate \S+ from \S+ to \S+: /, '')}`,
    ...precopy.slice(1).map((l) => `    ${l.trim()}`),
    `  2. then${plan.running ? ' (downtime: the last increment only)' : ''}:`,
    ...plan.steps.map((s) => `    - ${s}`),
    ...(plan.keepSource ? [`  the source stays on ${plan.from}, stopped (--keep-source)`] : []),
  ];
}
