import { lstatSync, mkdirSync } from 'node:fs';

/**
 * Makes `dir` (mode 0700) and says whether it is ours alone: a real directory (not a symlink), owned by this user,
 * closed to everyone else. Only then may it hold ssh's shared-connection sockets and the learned reads, which decide
 * what runs on every node: another local user who could plant them there could run commands as this one.
 */
export function privateDir(dir: string): boolean {
  if (!dir) return false;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    const uid = process.getuid?.();
    return st.isDirectory() && !st.isSymbolicLink() && (uid === undefined || st.uid === uid) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}
