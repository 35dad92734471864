import type { ContainerStatus } from '../types.js';

export interface LxcLsRow {
  name: string;
  status: ContainerStatus;
  pid?: number;
}

export const LXC_LS_FIELDS = ['NAME', 'STATE', 'PID'] as const;

/**
 * Parses `lxc-ls -f -F NAME,STATE,PID`: a header, then fixed-width columns (every line ends in a space).
 * Columns are cut at the header's offsets, since a fancy listing's cells may hold spaces.
 */
export function parseLxcLs(stdout: string): LxcLsRow[] {
  const lines = stdout.split('\n').filter((l) => l.trim());
  const header = lines.shift();
  if (!header) return [];
  const starts = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], at: m.index! }));
  const cell = (line: string, name: string) => {
    const i = starts.findIndex((s) => s.name === name);
    if (i < 0) return undefined;
    return line.slice(starts[i]!.at, starts[i + 1]?.at ?? line.length).trim();
  };
  return lines.map((line) => {
    const state = (cell(line, 'STATE') ?? '').toLowerCase();
    const pid = Number(cell(line, 'PID'));
    return {
      name: cell(line, 'NAME') ?? '',
      status: (['running', 'stopped', 'frozen'].includes(state) ? state : 'unknown') as ContainerStatus,
      ...(Number.isInteger(pid) && pid > 0 ? { pid } : {}),
    };
  });
}

/** `lxc.rootfs.path` of an LXC config (`dir:/path`, `/path`, `zfs:pool/ds`, …), last one wins. */
export function lxcRootfs(configText: string): string | undefined {
  let value: string | undefined;
  for (const line of configText.split('\n')) {
    const m = /^\s*lxc\.rootfs\.path\s*=\s*(.*?)\s*$/.exec(line);
    if (m) value = m[1];
  }
  return value;
}

/** Splits a rootfs spec into its backend and path: `dir:/x` -> dir, /x; `/x` -> dir, /x; `zfs:pool/ds` -> zfs. */
export function rootfsBackend(spec: string): { backend: string; path: string } {
  const m = /^([a-z]+):(.*)$/.exec(spec);
  return m ? { backend: m[1]!, path: m[2]! } : { backend: 'dir', path: spec };
}
