import { isJsonObject, jsonNumber } from '../zfs/json-output.js';

/**
 * The `scan:` line of `zpool status` rebuilt from the `scan_stats` object of its JSON form (scan_status_nvlist in
 * cmd/zpool/zpool_main.c: function, state, start_time, end_time, processed, errors...), worded as the text form
 * words it (print_scan_scrub_resilver_status) so both forms read the same. Undefined when the pool was never
 * scanned: the text form then has no `scan:` line either. An ongoing scan reads without the rates and the time to
 * go, which the text form computes from the clock. Dates in ctime's layout, in `timeZone` (the local zone unless set).
 */
export function scanLine(stats: unknown, timeZone?: string): string | undefined {
  if (!isJsonObject(stats)) return undefined;
  const fn = String(stats.function ?? 'NONE');
  if (fn === 'NONE') return undefined;
  const what = fn === 'SCRUB' ? 'scrub' : fn === 'RESILVER' ? 'resilver' : fn.toLowerCase();
  const n = (key: string) => jsonNumber(stats[key]) ?? 0;
  const date = (key: string) => ctime(n(key), timeZone);
  switch (stats.state) {
    case 'FINISHED': {
      const done = fn === 'RESILVER' ? 'resilvered' : `${what} repaired`;
      return `${done} ${niceBytes(n('processed'))} in ${duration(n('end_time') - n('start_time'))} with ${n('errors')} errors on ${date('end_time')}`;
    }
    case 'CANCELED':
      return `${what} canceled on ${date('end_time')}`;
    case 'SCANNING': {
      const since = n('scrub_pause')
        ? `${what} paused since ${date('scrub_pause')} ${what} started on ${date('start_time')}`
        : `${what} in progress since ${date('start_time')}`;
      const total = n('to_examine');
      const toIssue = total - n('skipped');
      const pct = toIssue > 0 ? ((n('issued') * 100) / toIssue).toFixed(2) : '0.00';
      const progress = `${niceBytes(n('examined'))} / ${niceBytes(total)} scanned, ${niceBytes(n('issued'))} / ${niceBytes(toIssue)} issued`;
      return `${since} ${progress} ${niceBytes(n('processed'))} repaired, ${pct}% done`;
    }
    default:
      return `${what} ${String(stats.state ?? '').toLowerCase()}`.trim();
  }
}

const UNITS = ['B', 'K', 'M', 'G', 'T', 'P', 'E'];

/** Bytes as zpool prints them (its nicenum): "0B", "512B", "4K" for exact multiples, else up to 5 characters ("1.50G"). */
export function niceBytes(bytes: number): string {
  let index = 0;
  while (bytes >= 1024 ** (index + 1) && index < UNITS.length - 1) index++;
  const unit = UNITS[index]!;
  const scale = 1024 ** index;
  if (index === 0 || bytes % scale === 0) return `${Math.floor(bytes / scale)}${unit}`;
  for (const digits of [2, 1]) {
    const text = `${(bytes / scale).toFixed(digits)}${unit}`;
    if (text.length <= 5) return text;
  }
  return `${(bytes / scale).toFixed(0)}${unit}`;
}

/** Seconds as "HH:MM:SS", or "N days HH:MM:SS" from a day on. */
function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (v: number) => String(v).padStart(2, '0');
  const clock = `${pad(Math.floor(s / 3600) % 24)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
  const days = Math.floor(s / 86400);
  return days > 0 ? `${days} days ${clock}` : clock;
}

/** Unix seconds in ctime's layout without its newline: "Sun Nov  9 00:36:45 2025". */
function ctime(seconds: number, timeZone?: string): string {
  const format = new Intl.DateTimeFormat('en-US', {
    ...(timeZone ? { timeZone } : {}),
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    year: 'numeric',
    hourCycle: 'h23',
  });
  const parts = Object.fromEntries(format.formatToParts(new Date(seconds * 1000)).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.month} ${(parts.day ?? '').padStart(2)} ${parts.hour}:${parts.minute}:${parts.second} ${parts.year}`;
}
