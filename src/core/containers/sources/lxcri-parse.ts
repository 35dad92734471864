import type { ContainerStatus } from '../types.js';

/** The OCI state the LXCRI runtime keeps in `<state_dir>/containers/<id>/state.json`. */
export interface LxcriState {
  id: string;
  status: ContainerStatus;
  pid?: number;
  bundle?: string;
  annotations: Record<string, string>;
}

/** The annotation that names the container's dataset when it does not follow `<base_dataset>/<id>`. */
export const DATASET_ANNOTATION = 'io.lxcri.zfs.dataset';

export function parseLxcriState(text: string, dirName: string): LxcriState {
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null) throw new Error('state.json is not an object');
  const id = typeof raw.id === 'string' ? raw.id : dirName;
  const status =
    typeof raw.status === 'string' && ['running', 'stopped', 'paused', 'created'].includes(raw.status) ? (raw.status as ContainerStatus) : 'unknown';
  const annotations: Record<string, string> = {};
  if (raw.annotations && typeof raw.annotations === 'object') {
    for (const [k, v] of Object.entries(raw.annotations as Record<string, unknown>)) if (typeof v === 'string') annotations[k] = v;
  }
  return {
    id,
    status,
    annotations,
    ...(typeof raw.pid === 'number' && raw.pid > 0 ? { pid: raw.pid } : {}),
    ...(typeof raw.bundle === 'string' ? { bundle: raw.bundle } : {}),
  };
}
