import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** With LXCRI_SCREENSHOTS=<dir>, the screens the end-to-end runs reach are saved there (scripts/screenshots.sh makes PNGs). */
export function shot(name: string, screen: string): void {
  const dir = process.env.LXCRI_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.txt`), screen);
}
