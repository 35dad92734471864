/** A mounted filesystem: where, and which dataset (for ZFS). */
export interface MountEntry {
  mountpoint: string;
  source: string;
  fstype: string;
}

/** Undoes the octal escapes of /proc/self/mountinfo (`\040` for a space). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses /proc/self/mountinfo: `id parent dev root mountpoint opts [optional...] - fstype source superopts`. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    if (left.length < 5 || right.length < 2) continue;
    out.push({ mountpoint: unescape(left[4]!), fstype: right[0]!, source: unescape(right[1]!) });
  }
  return out;
}

export function isZfsMount(m: MountEntry): boolean {
  return m.fstype === 'zfs' || m.fstype === 'fuse.zfs';
}

/** The dataset holding `path`: the ZFS mount with the longest mountpoint that is a prefix of it. */
export function datasetForPath(path: string, mounts: readonly MountEntry[]): string | undefined {
  let best: MountEntry | undefined;
  for (const m of mounts) {
    if (!isZfsMount(m)) continue;
    const mp = m.mountpoint.endsWith('/') ? m.mountpoint : `${m.mountpoint}/`;
    if ((path === m.mountpoint || path.startsWith(mp) || m.mountpoint === '/') && (!best || m.mountpoint.length > best.mountpoint.length)) best = m;
  }
  return best?.source;
}
