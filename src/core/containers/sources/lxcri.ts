import type { ContainerSource, SourceEnv } from '../source.js';
import type { Container } from '../types.js';
import { DATASET_ANNOTATION, parseLxcriState } from './lxcri-parse.js';

async function fromStateFile(env: SourceEnv, id: string): Promise<Container | undefined> {
  const text = await env.readFile(`${env.config.state_dir}/containers/${id}/state.json`);
  if (text === undefined) return undefined;
  const fallback = `${env.config.zfs.base_dataset}/${id}`;
  try {
    const state = parseLxcriState(text, id);
    const dataset = state.annotations[DATASET_ANNOTATION] ?? fallback;
    return {
      id: state.id,
      name: state.id,
      status: state.status,
      sources: ['lxcri'],
      dataset,
      mounts: [{ key: 'rootfs', volume: state.bundle ?? dataset, path: '/', dataset }],
      ...(state.pid ? { pid: state.pid } : {}),
    };
  } catch (error) {
    return { id, name: id, status: 'unknown', sources: ['lxcri'], mounts: [], dataset: fallback, error: `state.json: ${(error as Error).message}` };
  }
}

export const lxcriSource: ContainerSource = {
  name: 'lxcri',
  async list(env) {
    const ids = await env.readDir(`${env.config.state_dir}/containers`);
    const out: Container[] = [];
    for (const id of ids) {
      const c = await fromStateFile(env, id);
      if (c) out.push(c);
    }
    return out;
  },
  describe: fromStateFile,
};
