import type { RestorePlan } from '../core/core.js';

/** A restore plan in words, one line per step (CLI dry run and the console's restore dialog). */
export function describeRestorePlan(plan: RestorePlan): string[] {
  if (plan.mode === 'branch') {
    return [`branch restore of ${plan.container} to ${plan.target.fullName} (keeps every checkpoint):`, ...plan.steps.map((s, i) => `  ${i + 1}. ${s}`)];
  }
  const lines = [`rollback of ${plan.container} to ${plan.target.fullName} (zfs rollback ${plan.needsClones ? '-R' : '-r'}):`];
  if (!plan.destroysSnapshots.length) lines.push('  destroys nothing but the changes since that checkpoint');
  for (const s of plan.destroysSnapshots) lines.push(`  destroys snapshot ${s}`);
  for (const d of plan.destroysDatasets) lines.push(`  destroys branch dataset ${d}`);
  lines.push('  and discards the live changes since the checkpoint');
  return lines;
}
