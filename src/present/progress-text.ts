import type { OperationProgress, TransferProgress } from '../core/store.js';
import { formatBytes } from './units.js';

/** `42s`, `3m05s`, `1h02m`: how long is left of a stream. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `5.2M of ~16M (32%), 3.1M/s, ~4s left`: a stream against its estimate (which zfs-fuse can only guess). */
export function transferText(t: TransferProgress, nowMs: number): string {
  const rate = t.done / Math.max(0.001, (nowMs - t.startedAt) / 1000);
  if (t.total <= 0) return `${formatBytes(t.done)}, ${formatBytes(rate)}/s`;
  const pct = Math.min(99, Math.floor((t.done * 100) / t.total));
  const left = t.total > t.done && rate > 0 ? `, ~${formatDuration((t.total - t.done) / rate)} left` : '';
  return `${formatBytes(t.done)} of ~${formatBytes(t.total)} (${pct}%), ${formatBytes(rate)}/s${left}`;
}

/**
 * The running operation in one line: its title, how far its stream is, for how long it has run, and its step. The
 * numbers come before the step, whose snapshot names are long: a line cut to an 80-column terminal keeps them.
 */
export function operationText(op: OperationProgress, nowMs: number): string {
  const seconds = Math.max(0, Math.floor((nowMs - op.startedAt) / 1000));
  if (!op.transfer) return `${op.title}: ${op.step} (${seconds}s)`;
  return `${op.title}: ${transferText(op.transfer, nowMs)} (${seconds}s) - ${op.step}`;
}
