import { main } from '../../src/cli/main.js';

export interface InProcessRun {
  code: number;
  out: string;
  err: string;
}

/** The CLI run in this process against a config file: exit code, stdout and stderr (what a real-pool test reads). */
export async function runMain(configFile: string, args: readonly string[]): Promise<InProcessRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...args, '--config', configFile], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
