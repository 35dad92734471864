import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { sh } from './real-pool.js';

/** Creates a busybox LXC container whose rootfs lives on its own zfs-fuse dataset; `running` starts it. */
export function createLxcContainer(lxcpath: string, name: string, dataset: string, running: boolean): string {
  mkdirSync(lxcpath, { recursive: true });
  sh('zfs', ['create', '-p', dataset]);
  const mount = sh('zfs', ['get', '-H', '-o', 'value', 'mountpoint', dataset]).trim();
  const rootfs = `${mount}/rootfs`;
  execFileSync('lxc-create', ['-P', lxcpath, '-n', name, '-t', 'busybox', '-B', 'dir', '--dir', rootfs], { stdio: 'pipe' });
  // No network: a busybox container starts with lxc.net.0.type = empty.
  const config = `${lxcpath}/${name}/config`;
  const lines = readFileSync(config, 'utf8')
    .split('\n')
    .filter((l) => !/^lxc\.net\.0\.(link|flags|hwaddr)/.test(l));
  writeFileSync(config, lines.map((l) => (/^lxc\.net\.0\.type/.test(l) ? 'lxc.net.0.type = empty' : l)).join('\n'));
  if (running) startLxc(lxcpath, name);
  return rootfs;
}

export function lxcState(lxcpath: string, name: string): string {
  return execFileSync('lxc-info', ['-P', lxcpath, '-n', name, '-H', '-s'], { encoding: 'utf8' }).trim();
}

export function startLxc(lxcpath: string, name: string): void {
  execFileSync('lxc-start', ['-P', lxcpath, '-n', name, '-d'], { stdio: 'pipe' });
  for (let i = 0; i < 50 && lxcState(lxcpath, name) !== 'RUNNING'; i++) execFileSync('sleep', ['0.1']);
}

export function destroyLxc(lxcpath: string, name: string): void {
  try {
    execFileSync('lxc-stop', ['-P', lxcpath, '-n', name, '-k'], { stdio: 'pipe' });
  } catch {
    // already stopped
  }
  try {
    execFileSync('lxc-destroy', ['-P', lxcpath, '-n', name], { stdio: 'pipe' });
  } catch {
    // the rootfs goes with the pool anyway
  }
}
