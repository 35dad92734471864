const UNITS = ['B', 'K', 'M', 'G', 'T', 'P'];

/** 1536 -> "1.5K", as zfs prints sizes. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = unit === 0 ? String(Math.round(value)) : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  // Trailing zeros go only after a decimal point: 1.50K -> 1.5K, but 140M stays 140M.
  return `${text.includes('.') ? text.replace(/\.?0+$/, '') : text}${UNITS[unit]}`;
}

/**
 * Seconds ago as "45s", "12m", "3h", "5d", "7w"; to the minute ("<1m" for less) when `minutes` is set, as the console
 * shows ages: its screen then changes at most once a minute.
 */
export function formatAge(seconds: number, nowSeconds: number, minutes = false): string {
  const d = Math.max(0, nowSeconds - seconds);
  if (d < 60) return minutes ? '<1m' : `${d}s`;
  if (d < 3600) return `${Math.floor(d / 60)}m`;
  if (d < 86400) return `${Math.floor(d / 3600)}h`;
  if (d < 86400 * 14) return `${Math.floor(d / 86400)}d`;
  return `${Math.floor(d / (86400 * 7))}w`;
}

/**
 * An age that tells apart checkpoints days apart, in at most 4 columns, to the minute: "<1m", "12m", "36h" (under two
 * days), "38d" (under 1000 days), then "3y". The tree's AGE column: "5w 5w 6w" said nothing of a month of dailies.
 */
export function formatAgeDays(seconds: number, nowSeconds: number): string {
  const d = Math.max(0, nowSeconds - seconds);
  if (d < 60) return '<1m';
  if (d < 3600) return `${Math.floor(d / 60)}m`;
  if (d < 86400 * 2) return `${Math.floor(d / 3600)}h`;
  if (d < 86400 * 1000) return `${Math.floor(d / 86400)}d`;
  return `${Math.floor(d / (86400 * 365.25))}y`;
}

/** Unix seconds as local "2026-11-23 09:30:12". */
export function formatTime(seconds: number): string {
  const t = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())} ${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}`;
}

/** What destroying something frees, in every preview: exact (`zfs destroy -nvp`), or at least the sum of own space. */
export function freesWords(bytes: number, exact: boolean): string {
  return `frees ${exact ? '' : 'at least '}${formatBytes(bytes)}`;
}
