import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { directStream, reachProbe } from '../../src/core/nodes/direct-stream.js';
import type { SshTarget } from '../../src/core/nodes/ssh-runner.js';
import { cmd } from '../../src/core/runner/command.js';

// The node-to-node stream is one bash command line run on the source node: checked here by running it in a real
// bash with stand-ins for zfs and ssh, so the quoting is what the shells see, not what we think they see.

const dir = mkdtempSync(join(tmpdir(), 'lxcri-direct-'));
/** Where the node's control directories go (/run/lxcri-console on a node). */
const root = join(dir, 'run');
after(() => rmSync(dir, { recursive: true, force: true }));

const to: SshTarget = {
  node: 'pve2',
  destination: 'root@10.0.0.2',
  knownHosts: '/etc/pve/nodes/pve2/ssh_known_hosts',
  connectTimeoutSeconds: 5,
  controlPersistSeconds: 60,
  controlDir: '/run/lxcri-console-ssh-0',
};

/** Stand-ins: `zfs` prints its argv as the stream (or fails); `ssh` records its argv, runs the remote string in sh with a recording `zfs`. */
function stubs(sendExit = 0) {
  const bin = join(dir, `bin${sendExit}`);
  spawnSync('mkdir', ['-p', bin]);
  writeFileSync(join(bin, 'zfs'), `#!/bin/sh\nprintf 'STREAM'; for a in "$@"; do printf ' [%s]' "$a"; done; echo; exit ${sendExit}\n`);
  writeFileSync(
    join(bin, 'ssh'),
    [
      '#!/bin/bash',
      `for a in "$@"; do printf '%s\\n' "$a"; done > ${dir}/ssh-argv`,
      // The remote string is the last argument: run it as a login shell would, with a zfs that records argv and stdin.
      `remote="\${@: -1}"`,
      `/bin/mkdir -p ${dir}/remote; printf '#!/bin/sh\\nfor a in "$@"; do printf "%%s\\\\n" "$a"; done > ${dir}/recv-argv; cat > ${dir}/recv-stdin\\n' > ${dir}/remote/zfs; chmod +x ${dir}/remote/zfs`,
      `PATH=${dir}/remote:$PATH sh -c "$remote"`,
    ].join('\n'),
  );
  for (const tool of ['zfs', 'ssh']) chmodSync(join(bin, tool), 0o755);
  return bin;
}

test('the source sends straight into the target’s receive: argv arrive whole through both shells, over the source node’s own shared connection', () => {
  const bin = stubs();
  const hostile = "tank/ct/we b'x;$(touch /tmp/pwned)";
  const c = directStream(cmd('zfs', ['send', '-I', `${hostile}@a`, `${hostile}@b`]), 'pve1', to, cmd('zfs', ['recv', '-s', '-F', hostile], true), root);
  assert.equal(c.tool, 'bash');
  assert.equal(c.mutates, true);
  const r = spawnSync(c.tool, c.args, { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readFileSync(join(dir, 'recv-argv'), 'utf8').split('\n').filter(Boolean), ['recv', '-s', '-F', hostile], 'the receive’s argv, exactly');
  assert.equal(readFileSync(join(dir, 'recv-stdin'), 'utf8'), `STREAM [send] [-I] [${hostile}@a] [${hostile}@b]\n`, 'the send’s stream on its stdin');
  const sshArgv = readFileSync(join(dir, 'ssh-argv'), 'utf8').split('\n');
  // The console's control sockets are not on the node: the node keeps its own, in a directory only its user enters.
  assert.equal(sshArgv[1], 'ServerAliveInterval=5', 'no options ahead of the sharing ones');
  assert.ok(sshArgv.includes(`ControlPath=${root}/peers-pve1/%C`) && sshArgv.includes('ControlMaster=auto'), sshArgv.join(' '));
  assert.ok(sshArgv.includes('ControlPersist=60'));
  assert.equal(statSync(`${root}/peers-pve1`).mode & 0o777, 0o700);
  assert.ok(sshArgv.includes('ServerAliveInterval=5') && sshArgv.includes('ServerAliveCountMax=3'), 'a kept connection to a target gone is found');
  assert.ok(sshArgv.includes('HostKeyAlias=pve2') && sshArgv.includes('BatchMode=yes'), 'Proxmox’s own form between nodes');
  assert.ok(sshArgv.includes('root@10.0.0.2'));
});

test('a failed send fails the whole command (pipefail), even though the receive side exits 0', () => {
  const bin = stubs(3);
  const c = directStream(cmd('zfs', ['send', 'tank/ct/web@a']), 'pve1', to, cmd('zfs', ['recv', '-F', 'tank/ct/web'], true), root);
  const r = spawnSync(c.tool, c.args, { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  assert.equal(r.status, 3);
});

test('the target going away mid-stream (the inner ssh exits 255) is said as such, not passed on as 255 (the source unreachable)', () => {
  const bin = join(dir, 'bin-lost');
  spawnSync('mkdir', ['-p', bin]);
  writeFileSync(join(bin, 'zfs'), '#!/bin/sh\necho STREAM\n');
  writeFileSync(join(bin, 'ssh'), '#!/bin/sh\ncat > /dev/null; echo "Connection closed by 10.0.0.2 port 22" >&2; exit 255\n');
  for (const tool of ['zfs', 'ssh']) chmodSync(join(bin, tool), 0o755);
  const c = directStream(cmd('zfs', ['send', 'tank/ct/web@a']), 'pve1', to, cmd('zfs', ['recv', '-F', 'tank/ct/web'], true), root);
  const r = spawnSync(c.tool, c.args, { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  assert.equal(r.status, 254);
  assert.match(r.stderr, /Connection closed by 10\.0\.0\.2/);
  assert.match(r.stderr, /lxcri: the ssh from this node to pve2 failed/);
});

test('the reach probe runs `true` on the target with the nodes’ own ssh options, within the connect timeout, opening the shared connection', () => {
  const p = reachProbe('pve1', to, root);
  assert.equal(p.mutates, false);
  assert.equal(p.timeoutMs, 10_000);
  const bin = stubs();
  const r = spawnSync(p.tool, p.args, { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const sshArgv = readFileSync(join(dir, 'ssh-argv'), 'utf8').split('\n').filter(Boolean);
  assert.deepEqual(sshArgv.slice(-3), ['--', 'root@10.0.0.2', 'true']);
  assert.ok(sshArgv.includes('ConnectTimeout=5') && sshArgv.includes(`ControlPath=${root}/peers-pve1/%C`), sshArgv.join(' '));
});

test('a control directory that cannot be the node user’s own: its ssh shares nothing (its first options turn sharing off) and still runs', () => {
  const bin = stubs();
  // Under a regular file: mkdir fails (as it does for a node user who is not root under /run).
  writeFileSync(join(dir, 'not-a-dir'), '');
  for (const c of [
    reachProbe('pve1', to, join(dir, 'not-a-dir')),
    directStream(cmd('zfs', ['send', 'tank/ct/web@a']), 'pve1', to, cmd('zfs', ['recv', '-F', 'tank/ct/web'], true), join(dir, 'not-a-dir')),
  ]) {
    const r = spawnSync(c.tool, c.args, { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const sshArgv = readFileSync(join(dir, 'ssh-argv'), 'utf8').split('\n').filter(Boolean);
    // ssh takes the first value of an option: these win over the ControlMaster=auto and ControlPath after them.
    assert.deepEqual(sshArgv.slice(0, 4), ['-o', 'ControlMaster=no', '-o', 'ControlPath=none'], sshArgv.join(' '));
  }
});
