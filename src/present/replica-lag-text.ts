import type { ReplicaLag } from '../core/model/replica-lag.js';
import { formatAge, formatTime } from './units.js';

/** One replica's lag in words: "pve2: up to date (base 2026-11-24 10:00:00, 3h ago)" or "pve2: 2 checkpoint(s) behind …". */
export function replicaLagText(l: ReplicaLag, nowSeconds: number): string {
  const since = `${formatTime(l.at)}, ${formatAge(l.at, nowSeconds)} ago`;
  return l.behind ? `${l.node}: ${l.behind} checkpoint(s) behind (replicated up to ${since})` : `${l.node}: up to date (replicated up to ${since})`;
}
