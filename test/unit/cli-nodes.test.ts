import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'lxcri-cli-nodes-'));
// ssh's shared-connection sockets (and the learned reads) go under the runtime dir: keep them in this test's dir.
const runtime = join(dir, 'runtime');
mkdirSync(runtime);
process.env.XDG_RUNTIME_DIR = runtime;
const controlDir = join(runtime, `lxcri-console-ssh-${process.getuid?.() ?? 'user'}`);

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Ports nothing listens on: bound by the kernel's choice, then closed (a connection to them is refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

let configs = 0;

/** A config for this machine with every path in the test's dir (no state dir, no pool needed), plus `extra`. */
function writeConfig(extra: Record<string, unknown>): string {
  const file = join(dir, `config-${++configs}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      zfs: { base_dataset: 'lxcrinodestest/ct' },
      state_dir: join(dir, 'state'),
      journal_dir: join(dir, 'journal'),
      log: { file: join(dir, 'console.log'), level: 'info' },
      lxc: { path: join(dir, 'lxc') },
      pve: { config_dir: join(dir, 'pve', 'lxc'), storage_cfg: join(dir, 'pve', 'storage.cfg'), members: join(dir, 'pve', '.members') },
      criu: { store: join(dir, 'criu') },
      ssh: { connect_timeout_seconds: 5, control_persist_seconds: 1 },
      ...extra,
    }),
  );
  return file;
}

/** An ssh_config naming each node's (closed) port on 127.0.0.1. */
async function sshConfigFor(...names: string[]): Promise<{ file: string; ports: Map<string, number> }> {
  const ports = new Map<string, number>();
  let text = '';
  for (const name of names) {
    const port = await closedPort();
    ports.set(name, port);
    text += `Host ${name}\n  HostName 127.0.0.1\n  Port ${port}\n  BatchMode yes\n  StrictHostKeyChecking yes\n  UserKnownHostsFile /dev/null\n\n`;
  }
  const file = join(dir, `ssh_config-${names.join('-')}`);
  writeFileSync(file, text);
  return { file, ports };
}

/** The usage error of the CLI: exit 2, one `error:` line matching, one `hint:` line. */
function assertUsageError(r: { code: number; err: string }, pattern: RegExp): string {
  assert.equal(r.code, 2, r.err);
  const lines = r.err.split('\n');
  assert.equal(lines.length, 2, r.err);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(lines[0]!, /[\x00-\x1f\x7f-\x9f]/);
  assert.match(lines[1]!, /^hint: ./);
  return lines[0]!;
}

test('a config node whose ssh is an option (-oProxyCommand=...) is refused before anything runs: exit 2, one line naming it, no ssh', async () => {
  const marker = `/tmp/x-${process.pid}-${Date.now()}`;
  const bad = `-oProxyCommand=touch ${marker}`;
  const file = writeConfig({
    nodes: [
      { name: 'here', ssh: 'local' },
      { name: 'n1', ssh: bad },
    ],
  });
  for (const argv of [['list'], ['list', '--json'], ['pool'], ['tree', '101'], ['checkpoint', 'n1:101', '--yes'], ['list', '--node', 'here']]) {
    const r = await run('--config', file, ...argv);
    const line = assertUsageError(r, new RegExp(`invalid ssh destination ${JSON.stringify(bad).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} for node n1`));
    assert.ok(line.startsWith(`error: config ${file}: nodes must be `), line);
    if (argv.includes('--json')) assert.equal(JSON.parse(r.out).error.code, 'usage');
  }
  assert.equal(existsSync(marker), false, 'ProxyCommand ran');
  assert.equal(existsSync(controlDir), false, 'no ssh was prepared');
});

test('a config node destination with control characters is echoed escaped on one line', async () => {
  for (const bad of ['a\x7fb', 'a\u009bb', 'a\nb', 'a\x1b]0;t\x07b']) {
    const r = await run('--config', writeConfig({ nodes: [{ name: 'n1', ssh: bad }] }), 'list');
    assertUsageError(r, /invalid ssh destination "a.*b" for node n1/);
  }
});

test('a .members naming a hostile ip or node name is refused before any ssh', async () => {
  const marker = `/tmp/x-${process.pid}-${Date.now()}-members`;
  mkdirSync(join(dir, 'pve-hostile'), { recursive: true });
  const members = join(dir, 'pve-hostile', '.members');
  const file = writeConfig({ pve: { members } });
  writeFileSync(
    members,
    JSON.stringify({
      nodename: 'pve1',
      cluster: { name: 'c', nodes: 2, quorate: 1 },
      nodelist: { pve1: { id: 1, online: 1, ip: '10.0.0.1' }, pve2: { id: 2, online: 1, ip: `-oProxyCommand=touch ${marker}` } },
    }),
  );
  assertUsageError(await run('--config', file, 'list'), /invalid ssh destination "root@-oProxyCommand=touch \/tmp\/x-[^"]+" for node pve2/);
  writeFileSync(members, JSON.stringify({ nodename: 'pve1', nodelist: { pve1: { id: 1, online: 1 }, 'a;touch x': { id: 2, online: 1, ip: '10.0.0.2' } } }));
  assertUsageError(await run('--config', file, 'list'), /invalid node name "a;touch x"/);
  assert.equal(existsSync(marker), false);
  assert.equal(existsSync(controlDir), false);
});

test("--node: a name that is not a node name is refused; an unknown node is refused naming the config's nodes", async () => {
  const { file: sshConfig } = await sshConfigFor('n1');
  const file = writeConfig({
    ssh_config: sshConfig,
    nodes: [
      { name: 'here', ssh: 'local' },
      { name: 'n1', ssh: 'n1' },
    ],
  });
  assertUsageError(await run('--config', file, 'list', '--node', 'a;b'), /^error: invalid node name "a;b"$/);
  assertUsageError(await run('--config', file, 'list', '--node=-oProxyCommand=id'), /^error: invalid node name "-oProxyCommand=id"$/);
  // Without `=`, the option parser itself refuses a value that looks like an option.
  assertUsageError(await run('--config', file, 'list', '--node', '-oProxyCommand=id'), /^error: Option '--node' argument is ambiguous/);
  const r = await run('--config', file, 'list', '--node', 'nosuch');
  assertUsageError(r, /^error: unknown node 'nosuch'$/);
  assert.match(r.err, /^hint: nodes: here, n1$/m);
  assert.equal(existsSync(controlDir), false, 'no ssh ran');
});

test('list --json with two unreachable nodes: exit 1, "no node answered" naming both with ssh own words', async () => {
  const { file: sshConfig, ports } = await sshConfigFor('n1', 'n2');
  const file = writeConfig({
    ssh_config: sshConfig,
    nodes: [
      { name: 'n1', ssh: 'n1' },
      { name: 'n2', ssh: 'n2' },
    ],
  });
  for (const command of ['list', 'pool']) {
    const r = await run('--config', file, command, '--json');
    assert.equal(r.code, 1, `${command}: ${r.err}`);
    const error = JSON.parse(r.out).error;
    assert.equal(error.code, 'unreachable');
    assert.match(error.message, /^no node answered: /);
    assert.match(error.message, new RegExp(`n1 \\(ssh: connect to host 127\\.0\\.0\\.1 port ${ports.get('n1')}: Connection refused\\)`));
    assert.match(error.message, new RegExp(`n2 \\(ssh: connect to host 127\\.0\\.0\\.1 port ${ports.get('n2')}: Connection refused\\)`));
    const lines = r.err.split('\n');
    assert.equal(lines[0], `error: ${error.message}`);
    assert.match(lines[1]!, /^hint: /);
  }
});

test('nodes that accept the connection and never answer are waited for at once, each contacted once, and reported', async () => {
  const accepted = new Map<number, number>();
  const sockets: Socket[] = [];
  const servers: Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < 2; i++) {
    const server = createServer((socket) => {
      const port = (socket.address() as { port: number }).port;
      accepted.set(port, (accepted.get(port) ?? 0) + 1);
      socket.on('error', () => undefined);
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports.push((server.address() as { port: number }).port);
  }
  try {
    const sshConfig = join(dir, 'ssh_config-silent');
    writeFileSync(sshConfig, ports.map((p, i) => `Host s${i + 1}\n  HostName 127.0.0.1\n  Port ${p}\n  BatchMode yes\n`).join('\n'));
    const file = writeConfig({
      ssh_config: sshConfig,
      ssh: { connect_timeout_seconds: 1, control_persist_seconds: 1 },
      nodes: [
        { name: 's1', ssh: 's1' },
        { name: 's2', ssh: 's2' },
      ],
    });
    const started = Date.now();
    const r = await run('--config', file, 'list', '--json');
    const took = Date.now() - started;
    assert.equal(r.code, 1, r.err);
    const { message } = JSON.parse(r.out).error;
    assert.match(message, /^no node answered: s1 \([^)]*timed out[^)]*\); s2 \([^)]*timed out[^)]*\)$/);
    assert.ok(took < 1_900, `the nodes were waited for one after the other: ${took} ms for a 1 s timeout`);
    assert.deepEqual(
      ports.map((p) => accepted.get(p)),
      [1, 1],
      'one connection per node',
    );
  } finally {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
});

test('a single remote node (--node) fails as a lone host would: exit 1 naming the node and ssh own words', async () => {
  const { file: sshConfig, ports } = await sshConfigFor('n1');
  const file = writeConfig({
    ssh_config: sshConfig,
    nodes: [
      { name: 'here', ssh: 'local' },
      { name: 'n1', ssh: 'n1' },
    ],
  });
  for (const argv of [
    ['list', '--node', 'n1'],
    ['tree', 'n1:101'],
  ]) {
    const r = await run('--config', file, ...argv);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`^error: node n1 is unreachable: ssh: connect to host 127\\.0\\.0\\.1 port ${ports.get('n1')}: Connection refused$`, 'm'));
  }
});

/** Whether this machine's ZFS answers (the local node's refresh needs it). */
function zfsAnswers(): boolean {
  return spawnSync('zfs', ['list', '-H', '-o', 'name'], { encoding: 'utf8', timeout: 30_000 }).status === 0;
}

test('list --json with the local node and an unreachable one: exit 0, the missing node in `nodes` and named on stderr', async () => {
  const { file: sshConfig, ports } = await sshConfigFor('n1');
  const file = writeConfig({
    ssh_config: sshConfig,
    nodes: [
      { name: 'here', ssh: 'local' },
      { name: 'n1', ssh: 'n1' },
    ],
  });
  const refused = `ssh: connect to host 127.0.0.1 port ${ports.get('n1')}: Connection refused`;
  const r = await run('--config', file, 'list', '--json');
  if (r.code !== 0 && !zfsAnswers()) {
    // No usable ZFS here: the local node cannot answer either, and that is what the CLI must say.
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^error: no node answered: here \(.+\); n1 \(/m);
    return;
  }
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out);
  assert.equal(json.base, 'lxcrinodestest/ct');
  assert.deepEqual(json.nodes[1], { name: 'n1', reachable: false, error: refused });
  assert.equal(json.nodes[0].name, 'here');
  assert.equal(json.nodes[0].reachable, true);
  assert.equal(json.nodes.length, 2);
  assert.ok(Array.isArray(json.containers));
  assert.ok(json.containers.every((c: { node: string }) => c.node === 'here'));
  assert.equal(r.err, `warning: node n1 did not answer: ${refused}`);

  // The text form says the same on stderr; a container only n1 could have is not found, naming n1.
  const text = await run('--config', file, 'list');
  assert.equal(text.code, 0, text.err);
  assert.equal(text.err, `warning: node n1 did not answer: ${refused}`);
  const tree = await run('--config', file, 'tree', '101');
  assert.equal(tree.code, 1);
  assert.match(tree.err, /^error: container 101 not found on the reachable nodes \(unreachable: n1\)$/m);

  // What a refresh learned is kept only for nodes that answered: nothing for n1.
  assert.deepEqual(
    readdirSync(controlDir).filter((f) => f.startsWith('reads-')),
    [],
  );
});
