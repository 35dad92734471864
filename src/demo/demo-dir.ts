import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';

const MARKER = '.lxcri-demo';
/** Files a user puts there to steer a demo (`down-pve3` takes a node away): kept, and no reason to refuse the directory. */
const SWITCH = /^down-/;

/**
 * The directory a demo seeds into (LXCRI_DEMO_DIR), made fresh: a leftover of an earlier demo there (a container
 * moved to another node, a journal) would come back as this one's. Only a directory the demo made (its marker), or a
 * new or empty one, is cleared and used: any other is refused, its files untouched.
 */
export function claimDemoDir(dir: string): void {
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  const foreign = entries.filter((e) => e !== MARKER && !SWITCH.test(e)).sort();
  if (foreign.length && !entries.includes(MARKER)) {
    throw new UsageError(
      `LXCRI_DEMO_DIR ${dir} holds files that are not a demo's (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})`,
      'name a new or empty directory: the demo writes its own files there and clears them on its next start',
    );
  }
  for (const e of foreign) rmSync(join(dir, e), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), 'lxcri-console demo files: cleared and seeded again by each demo started here\n');
}
