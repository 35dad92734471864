import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, parseConfig, type Config } from '../../src/core/config.js';
import type { Core } from '../../src/core/core.js';
import { NotFoundError, UsageError } from '../../src/core/errors.js';
import { Cluster, containerRefs, type ClusterNode } from '../../src/core/nodes/cluster.js';
import { CommandFs } from '../../src/core/nodes/command-fs.js';
import { nodeSpecs } from '../../src/core/nodes/connect.js';
import { LocalFs } from '../../src/core/nodes/local-fs.js';
import { nodesFromMembers, parseMembers } from '../../src/core/nodes/members.js';
import { splitContainerRef, validateNodeName, validateSshDestination } from '../../src/core/nodes/node-spec.js';
import { BatchingRunner, batchScript, parseBatch, type BatchItem } from '../../src/core/nodes/read-batch.js';
import { shellCommand, shellQuote } from '../../src/core/nodes/shell-quote.js';
import { NodeUnreachableError, remoteCommand, SshRunner, sshArgv, sshReason, type SshTarget } from '../../src/core/nodes/ssh-runner.js';
import { cmd, type Command, type CommandResult, type RunOptions, type Runner } from '../../src/core/runner/command.js';
import { ToolFailedError, ToolMissingError, ToolTimeoutError } from '../../src/core/runner/errors.js';
import { ExecaRunner } from '../../src/core/runner/execa-runner.js';
import { Zfs } from '../../src/core/tools/zfs/zfs.js';
import type { World } from '../../src/core/world.js';

const scratch = mkdtempSync(join(tmpdir(), 'lxcri-nodes-'));

/** One line: no C0 control character (JSON escapes them; DEL and C1 are the faces' to escape, see safe-text.ts). */
function assertOneLine(message: string): void {
  assert.doesNotMatch(message, /[\x00-\x1f]/, `not one line: ${JSON.stringify(message)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Node names, ssh destinations, container refs, config `nodes`
// ---------------------------------------------------------------------------------------------------------------

const GOOD_DESTINATIONS = [
  'root@10.0.0.2',
  'pve2',
  'ssh://root@host:2222',
  'root@fe80::1',
  'ssh://[::1]:22',
  'local',
  'pve2.example.org',
  'ssh://root@[fe80::1]',
  'ssh://pve2',
  'admin.user@pve-2',
];

const BAD_DESTINATIONS = [
  '-oProxyCommand=sh -c x',
  '-oProxyCommand=touch',
  '-F/etc/passwd',
  '-',
  'a b',
  'a;b',
  '$(id)',
  'a|b',
  '`id`',
  '',
  'a&b',
  'a>b',
  "a'b",
  'a"b',
  'a\\b',
  '*',
  'host\n',
  'a\nb',
  'a\rb',
  'a\tb',
  'a\x00b',
  'a\x1b[31mb',
  'a\x7fb',
  'a\u0085b',
  'a\u00a0b',
  'hôst',
  'ssh://-oProxyCommand=x',
  'root@-oProxyCommand=x',
  'root@host -oProxyCommand=x',
  '[::1]:22;id',
];

test('ssh destinations: host, user@host, ssh:// with a port, IPv6 (bare and bracketed), an alias and "local" are accepted as given', () => {
  for (const d of GOOD_DESTINATIONS) assert.equal(validateSshDestination(d, 'pve2'), d, d);
});

test('ssh destinations that ssh could read as an option, or holding spaces, shell or control characters, are refused with one line naming them', () => {
  for (const d of BAD_DESTINATIONS) {
    assert.throws(
      () => validateSshDestination(d, 'pve2'),
      (e: unknown) => {
        assert.ok(e instanceof UsageError, `${JSON.stringify(d)}: ${String(e)}`);
        assert.equal(e.exitCode, 2);
        assert.equal(e.message, `invalid ssh destination ${JSON.stringify(d)} for node pve2`);
        assertOneLine(e.message);
        assertOneLine(e.hint);
        return true;
      },
      JSON.stringify(d),
    );
  }
});

test('node names: host name labels only; anything else is refused with one line naming it', () => {
  for (const n of ['pve2', 'a', 'PVE-1', '9', 'a'.repeat(63), 'node-01']) assert.equal(validateNodeName(n), n);
  for (const n of ['', '-a', 'a-', 'a b', 'a;b', 'a.b', 'a_b', 'a'.repeat(64), 'a\nb', '$(id)', '`id`', 'a|b', 'a:b', 'local host', 'ü']) {
    assert.throws(
      () => validateNodeName(n),
      (e: unknown) => e instanceof UsageError && e.message === `invalid node name ${JSON.stringify(n)}` && !/[\x00-\x1f]/.test(e.message),
      JSON.stringify(n),
    );
  }
});

test('splitContainerRef: a bare id, <node>:<id>, and a ref whose node part is not a node name refused', () => {
  assert.deepEqual(splitContainerRef('101'), { id: '101' });
  assert.deepEqual(splitContainerRef('pve2:101'), { node: 'pve2', id: '101' });
  assert.deepEqual(splitContainerRef('pve2:web'), { node: 'pve2', id: 'web' });
  for (const ref of ['bad name:1', ':101', 'a;b:101', '-x:1']) {
    assert.throws(
      () => splitContainerRef(ref),
      (e: unknown) => e instanceof UsageError && e.message === `invalid node name ${JSON.stringify(ref.slice(0, ref.indexOf(':')))}`,
      ref,
    );
  }
});

/** parseConfig's refusal: a UsageError naming the key, one line. */
function refusedConfig(raw: unknown, pattern: RegExp, key = 'nodes'): void {
  assert.throws(
    () => parseConfig(raw, '/etc/x.json'),
    (e: unknown) => {
      assert.ok(e instanceof UsageError, String(e));
      assert.ok(e.message.startsWith(`config /etc/x.json: ${key} must be `), e.message);
      assert.match(e.message, pattern);
      assertOneLine(e.message);
      return true;
    },
    JSON.stringify(raw),
  );
}

test('config nodes: hostile destinations and names, duplicates, two "local", unknown keys and an empty list are refused naming the key', () => {
  for (const d of BAD_DESTINATIONS) {
    refusedConfig(
      {
        nodes: [
          { name: 'pve1', ssh: 'local' },
          { name: 'pve2', ssh: d },
        ],
      },
      new RegExp(escapeRegExp(`invalid ssh destination ${JSON.stringify(d)} for node pve2`)),
    );
  }
  refusedConfig({ nodes: [{ name: 'a b', ssh: 'local' }] }, /invalid node name "a b"/);
  refusedConfig({ nodes: [{ name: 'a\nb', ssh: 'root@x' }] }, /invalid node name "a\\nb"/);
  refusedConfig(
    {
      nodes: [
        { name: 'pve1', ssh: 'local' },
        { name: 'pve1', ssh: 'root@10.0.0.2' },
      ],
    },
    /node pve1 is named twice/,
  );
  refusedConfig(
    {
      nodes: [
        { name: 'pve1', ssh: 'local' },
        { name: 'pve2', ssh: 'local' },
      ],
    },
    /only one node can be "local"/,
  );
  refusedConfig({ nodes: [{ name: 'pve2', ssh: 'root@x', port: 22 }] }, /unknown key port/);
  refusedConfig({ nodes: [] }, /a list of/);
  refusedConfig({ nodes: [{ name: 'pve2' }] }, /a list of/);
  refusedConfig({ nodes: 'pve2' }, /a list of/);
  refusedConfig({ ssh_config: 'ssh_config' }, /an absolute path/, 'ssh_config');
  refusedConfig({ ssh: { connect_timeout_seconds: 0 } }, /an integer from 1 to 300/, 'ssh.connect_timeout_seconds');
  refusedConfig({ ssh: { control_persist_seconds: -1 } }, /an integer from 0 to 86400/, 'ssh.control_persist_seconds');
  refusedConfig({ pve: { members: 'etc/pve/.members' } }, /an absolute path/, 'pve.members');
});

test('config nodes: a valid list is kept as given; ssh settings default to 5 s and 60 s', () => {
  const nodes = [
    { name: 'pve1', ssh: 'local' },
    { name: 'pve2', ssh: 'root@10.0.0.2' },
    { name: 'pve3', ssh: 'ssh://root@[fe80::3]:2222' },
  ];
  const config = parseConfig({ nodes, ssh_config: '/etc/lxcri-console/ssh_config', ssh: { connect_timeout_seconds: 3 } }, '/etc/x.json');
  assert.deepEqual(config.nodes, nodes);
  assert.equal(config.ssh_config, '/etc/lxcri-console/ssh_config');
  assert.deepEqual(config.ssh, { connect_timeout_seconds: 3, control_persist_seconds: 60 });
  assert.equal(parseConfig({}).nodes, undefined);
  assert.deepEqual(parseConfig({}).ssh, { connect_timeout_seconds: 5, control_persist_seconds: 60 });
  assert.equal(parseConfig({}).pve.members, '/etc/pve/.members');
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------------------------
// /etc/pve/.members
// ---------------------------------------------------------------------------------------------------------------

const MEMBERS_SAMPLE =
  '{"nodename":"pve1","version":N,"cluster":{"name":"c","version":N,"nodes":3,"quorate":1},"nodelist":{"pve1":{"id":1,"online":1,"ip":"10.0.0.1"},"pve2":{"id":2,"online":0,"ip":"10.0.0.2"}}}'.replace(
    /N/g,
    '7',
  );

test('parseMembers: the sample from reference/cluster.md (nodes, online flags, quorum, ips)', () => {
  assert.deepEqual(parseMembers(MEMBERS_SAMPLE), {
    local: 'pve1',
    cluster: { name: 'c', nodes: 3, quorate: true },
    nodes: [
      { name: 'pve1', id: 1, online: true, ip: '10.0.0.1' },
      { name: 'pve2', id: 2, online: false, ip: '10.0.0.2' },
    ],
  });
});

test('parseMembers: nodes in id order whatever the file order; quorate 0; the own node not first', () => {
  const text = JSON.stringify({
    nodename: 'pve2',
    version: 12,
    cluster: { name: 'lab', version: 3, nodes: 3, quorate: 0 },
    nodelist: {
      pve3: { id: 3, online: 1, ip: '10.0.0.3' },
      pve1: { id: 1, online: 0, ip: '10.0.0.1' },
      pve2: { id: 2, online: 1, ip: '10.0.0.2' },
    },
  });
  const m = parseMembers(text);
  assert.equal(m.local, 'pve2');
  assert.deepEqual(m.cluster, { name: 'lab', nodes: 3, quorate: false });
  assert.deepEqual(
    m.nodes.map((n) => [n.name, n.id, n.online, n.ip]),
    [
      ['pve1', 1, false, '10.0.0.1'],
      ['pve2', 2, true, '10.0.0.2'],
      ['pve3', 3, true, '10.0.0.3'],
    ],
  );
});

test('parseMembers: a standalone node (no cluster, no nodelist) is itself, online, and no cluster', () => {
  const m = parseMembers('{"nodename":"pve1","version":3}');
  assert.deepEqual(m, { local: 'pve1', nodes: [{ name: 'pve1', online: true }] });
  assert.equal('cluster' in m, false);
});

test('parseMembers: not JSON, no nodename, or a hostile node name are usage errors naming the file', () => {
  assert.throws(
    () => parseMembers('{', '/x/.members'),
    (e: unknown) => e instanceof UsageError && e.message.startsWith('/x/.members is not valid JSON'),
  );
  assert.throws(
    () => parseMembers('{"version":1}', '/x/.members'),
    (e: unknown) => e instanceof UsageError && e.message === '/x/.members has no nodename',
  );
  assert.throws(
    () => parseMembers('{"nodename":"a;b"}'),
    (e: unknown) => e instanceof UsageError && e.message === 'invalid node name "a;b"',
  );
  assert.throws(
    () => parseMembers('{"nodename":"pve1","nodelist":{"$(id)":{"id":2,"online":1,"ip":"10.0.0.2"}}}'),
    (e: unknown) => e instanceof UsageError && e.message === 'invalid node name "$(id)"',
  );
});

test("nodesFromMembers: the own node is local, every other root@<ip> checked against that node's known_hosts", () => {
  assert.deepEqual(nodesFromMembers(parseMembers(MEMBERS_SAMPLE)), [
    { name: 'pve1', ssh: 'local', online: true, id: 1 },
    { name: 'pve2', ssh: 'root@10.0.0.2', knownHosts: '/etc/pve/nodes/pve2/ssh_known_hosts', online: false, id: 2 },
  ]);
  assert.deepEqual(
    nodesFromMembers(parseMembers('{"nodename":"b","nodelist":{"a":{"id":1,"online":1},"b":{"id":2,"online":1,"ip":"10.1.1.2"}}}'), '/srv/pve'),
    [
      { name: 'a', ssh: 'root@a', knownHosts: '/srv/pve/nodes/a/ssh_known_hosts', online: true, id: 1 },
      { name: 'b', ssh: 'local', online: true, id: 2 },
    ],
  );
});

function configWith(patch: Partial<Config>): Config {
  return { ...structuredClone(DEFAULT_CONFIG), ...patch };
}

test('nodeSpecs: config nodes win; else .members (known_hosts kept only when the file exists, cluster name and quorum); a hostile ip is refused', async () => {
  const fs = new LocalFs();
  const viaConfig = await nodeSpecs(
    configWith({
      nodes: [
        { name: 'a', ssh: 'local' },
        { name: 'b', ssh: 'root@b' },
      ],
    }),
    fs,
  );
  assert.deepEqual(viaConfig, {
    specs: [
      { name: 'a', ssh: 'local' },
      { name: 'b', ssh: 'root@b' },
    ],
  });

  const pve = join(scratch, 'pve');
  mkdirSync(join(pve, 'nodes', 'pve2'), { recursive: true });
  writeFileSync(join(pve, 'nodes', 'pve2', 'ssh_known_hosts'), '');
  const members = join(pve, '.members');
  writeFileSync(
    members,
    JSON.stringify({
      nodename: 'pve1',
      cluster: { name: 'c', nodes: 3, quorate: 1 },
      nodelist: { pve1: { id: 1, online: 1, ip: '10.0.0.1' }, pve2: { id: 2, online: 1, ip: '10.0.0.2' }, pve3: { id: 3, online: 0, ip: '10.0.0.3' } },
    }),
  );
  const config = configWith({ pve: { ...DEFAULT_CONFIG.pve, members } });
  assert.deepEqual(await nodeSpecs(config, fs), {
    specs: [
      { name: 'pve1', ssh: 'local', online: true, id: 1 },
      { name: 'pve2', ssh: 'root@10.0.0.2', knownHosts: join(pve, 'nodes', 'pve2', 'ssh_known_hosts'), online: true, id: 2 },
      { name: 'pve3', ssh: 'root@10.0.0.3', online: false, id: 3 },
    ],
    name: 'c',
    quorate: true,
  });

  writeFileSync(
    members,
    JSON.stringify({ nodename: 'pve1', nodelist: { pve1: { id: 1, online: 1 }, pve2: { id: 2, online: 1, ip: '-oProxyCommand=touch /tmp/x' } } }),
  );
  await assert.rejects(
    nodeSpecs(config, fs),
    (e: unknown) => e instanceof UsageError && e.message === 'invalid ssh destination "root@-oProxyCommand=touch /tmp/x" for node pve2',
  );
});

// ---------------------------------------------------------------------------------------------------------------
// ssh argv, the remote command, quoting
// ---------------------------------------------------------------------------------------------------------------

function options(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.indexOf('--'); i++) if (argv[i] === '-o') out.push(argv[i + 1]!);
  return out;
}

const TARGET: SshTarget = { node: 'pve2', destination: 'root@10.0.0.2', connectTimeoutSeconds: 7, controlPersistSeconds: 42, controlDir: '/run/lxcri-ssh' };

test('sshArgv: batch mode, timeouts, a shared connection under the control dir, `--` right before the destination; the host key as the admin recorded it (no alias) without a node known_hosts', () => {
  const argv = sshArgv(TARGET, 'env LC_ALL=C zfs list');
  assert.deepEqual(argv.slice(-3), ['--', 'root@10.0.0.2', 'env LC_ALL=C zfs list']);
  assert.equal(argv.indexOf('--'), argv.length - 3);
  assert.equal(argv.filter((a) => a === '--').length, 1);
  assert.ok(!argv.includes('-F'));
  assert.deepEqual(argv.slice(0, 2), ['-e', 'none']);
  assert.deepEqual(options(argv), ['BatchMode=yes', 'ConnectTimeout=7', 'ControlMaster=auto', 'ControlPath=/run/lxcri-ssh/%C', 'ControlPersist=42']);
  assert.ok(!argv.some((a) => /KnownHostsFile|HostKeyAlias/.test(a)));
  // Every element before `--` is an option or an option's value: nothing there comes from the destination.
  assert.ok(!argv.slice(0, -3).includes('root@10.0.0.2'));
});

test('sshArgv: -F only with an ssh_config, known_hosts of the node (and no global one) only when given', () => {
  const argv = sshArgv({ ...TARGET, sshConfig: '/etc/lxcri-console/ssh_config', knownHosts: '/etc/pve/nodes/pve2/ssh_known_hosts' }, 'true');
  assert.deepEqual(argv.slice(0, 2), ['-F', '/etc/lxcri-console/ssh_config']);
  assert.equal(argv.filter((a) => a === '-F').length, 1);
  assert.deepEqual(options(argv).slice(-3), ['HostKeyAlias=pve2', 'UserKnownHostsFile=/etc/pve/nodes/pve2/ssh_known_hosts', 'GlobalKnownHostsFile=none']);
  assert.deepEqual(argv.slice(-3), ['--', 'root@10.0.0.2', 'true']);
  assert.ok(options(sshArgv({ ...TARGET, sshConfig: '/c' }, 'true')).every((o) => !/KnownHostsFile/.test(o)));
});

test('sshArgv: the real ssh reads the options as meant (ssh -G, nothing connects)', () => {
  const cfg = join(scratch, 'ssh_config_G');
  writeFileSync(cfg, 'Host pve2\n  HostName 127.0.0.9\n  Port 2299\n');
  const argv = sshArgv({ ...TARGET, destination: 'pve2', sshConfig: cfg, knownHosts: '/k/known' }, 'true');
  const r = spawnSync('ssh', ['-G', ...argv], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const conf = new Map(r.stdout.split('\n').map((l) => [l.split(' ')[0]!, l.slice(l.indexOf(' ') + 1)] as const));
  assert.equal(conf.get('hostname'), '127.0.0.9');
  assert.equal(conf.get('port'), '2299');
  assert.equal(conf.get('batchmode'), 'yes');
  assert.equal(conf.get('connecttimeout'), '7');
  assert.equal(conf.get('controlmaster'), 'auto');
  assert.equal(conf.get('controlpersist'), '42');
  assert.equal(conf.get('hostkeyalias'), 'pve2');
  assert.equal(conf.get('userknownhostsfile'), '/k/known');
  assert.equal(conf.get('globalknownhostsfile'), 'none');
  assert.match(conf.get('controlpath') ?? '', /^\/run\/lxcri-ssh\/[0-9a-f]+$/);
});

/** What the real ssh makes of the argv (ssh -G: the configuration, nothing connects). */
function sshG(argv: string[]): Map<string, string> {
  const r = spawnSync('ssh', ['-G', ...argv], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return new Map(r.stdout.split('\n').map((l) => [l.split(' ')[0]!, l.slice(l.indexOf(' ') + 1)] as const));
}

test('sshArgv: the shared connection socket always fits a Unix socket path (107 bytes with the master temp suffix), else none', () => {
  const fits = (path: string) => Buffer.byteLength(path) + 17 <= 107;
  const short = sshG(sshArgv(TARGET, 'true'));
  assert.ok(fits(short.get('controlpath')!), short.get('controlpath'));
  // A runtime dir long enough that <dir>/%C (40 hex digits) would not fit: a shorter name, still one per node.
  const longDir = `/run/user/1000/${'d'.repeat(40)}`;
  const a = sshG(sshArgv({ ...TARGET, controlDir: longDir }, 'true'));
  const b = sshG(sshArgv({ ...TARGET, node: 'pve3', destination: 'root@10.0.0.3', controlDir: longDir }, 'true'));
  assert.ok(a.get('controlpath')!.startsWith(`${longDir}/`));
  assert.ok(fits(a.get('controlpath')!), a.get('controlpath'));
  assert.notEqual(a.get('controlpath'), b.get('controlpath'));
  assert.equal(a.get('controlmaster'), 'auto');
  // Too long for any name: no shared connection at all (slower, never broken).
  const tooLong = sshArgv({ ...TARGET, controlDir: `/${'d'.repeat(100)}` }, 'true');
  assert.deepEqual(options(tooLong).slice(2, 4), ['ControlMaster=no', 'ControlPath=none']);
  assert.equal(sshG(tooLong).get('controlmaster'), 'false');
  // `%` in the dir is not read as one of ssh's tokens.
  const percent = sshG(sshArgv({ ...TARGET, controlDir: '/tmp/a%hb' }, 'true'));
  assert.match(percent.get('controlpath')!, /^\/tmp\/a%hb\/[0-9a-f]+$/);
});

test('sshArgv: ssh.control_persist_seconds 0 (which the config accepts) keeps no idle connection, never one forever', () => {
  assert.equal(parseConfig({ ssh: { control_persist_seconds: 0 } }).ssh.control_persist_seconds, 0);
  // ssh_config(5): "If set to yes or 0, then the master connection will remain in the background indefinitely".
  const r = spawnSync('ssh', ['-G', ...sshArgv({ ...TARGET, controlPersistSeconds: 0 }, 'true')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^controlpersist no$/m);
});

test('sshReason: the last non-empty line of ssh stderr', () => {
  assert.equal(
    sshReason('Warning: Permanently added pve3 to the list of known hosts.\r\nssh: connect to host 127.0.0.1 port 2203: Connection refused\r\n\n'),
    'ssh: connect to host 127.0.0.1 port 2203: Connection refused',
  );
  assert.equal(sshReason(''), 'ssh exited 255 without a message');
});

test('remoteCommand: the argv quoted after env in the C locale', () => {
  assert.equal(remoteCommand(cmd('zfs', ['list', '-H', '-o', 'name', 'tank/ct'])), 'env LC_ALL=C LANG=C zfs list -H -o name tank/ct');
  assert.equal(remoteCommand(cmd('zfs', ['snapshot', "tank/ct@it's; rm -rf /"])), `env LC_ALL=C LANG=C zfs snapshot 'tank/ct@it'\\''s; rm -rf /'`);
});

const HOSTILE_ARGV = [
  "it's",
  "''",
  "'",
  '"dq"',
  '$(id)',
  '`id`',
  '${HOME}',
  '$HOME',
  'a;b',
  'a && b',
  'a|b',
  'a\nb',
  '\n',
  ' lead',
  'trail ',
  '',
  'ünïcødé ✓ 日本',
  '*',
  '?',
  '[a]',
  '~',
  '~root',
  '\\',
  '\\n',
  '!',
  '!!',
  '#comment',
  '-n',
  '--',
  'a=b',
  '\t',
  '\r',
  '\x1b[31m',
  '{a,b}',
  '&',
  '>x',
  '<x',
  '%1',
  '(x)',
  'x'.repeat(3000),
];

function argvSeenBy(shell: string, script: string): string[] {
  const r = spawnSync(shell, ['-c', script], { encoding: 'utf8', cwd: scratch });
  assert.equal(r.status, 0, `${shell}: ${r.stderr}`);
  assert.equal(r.stderr, '');
  const parts = r.stdout.split('\0');
  assert.equal(parts.pop(), '', 'output ends in NUL');
  return parts;
}

test('shellCommand: a real sh (and bash) receives exactly the hostile argv elements', () => {
  const script = shellCommand(['printf', '%s\\0', ...HOSTILE_ARGV]);
  assert.deepEqual(argvSeenBy('sh', script), HOSTILE_ARGV);
  if (spawnSync('bash', ['-c', 'true']).status === 0) assert.deepEqual(argvSeenBy('bash', script), HOSTILE_ARGV);
  // The remote form: env in the C locale, then the tool and its argv.
  assert.deepEqual(argvSeenBy('sh', remoteCommand(cmd('printf', ['%s\\0', ...HOSTILE_ARGV]))), HOSTILE_ARGV);
  // Nothing ran: no file from `>x`, no output besides the argv.
  assert.equal(existsSync(join(scratch, 'x')), false);
});

test('shellQuote: plain words bare, everything else single-quoted', () => {
  assert.equal(shellQuote('tank/ct/101@checkpoint-1'), 'tank/ct/101@checkpoint-1');
  assert.equal(shellQuote('LC_ALL=C'), 'LC_ALL=C');
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

// ---------------------------------------------------------------------------------------------------------------
// Batched reads
// ---------------------------------------------------------------------------------------------------------------

function newMarker(): string {
  return `@@lxcri-${randomBytes(8).toString('hex')}`;
}

test('batchScript + parseBatch: a real batch run by sh gives each command its own stdout, stderr and exit code', () => {
  const marker = newMarker();
  const fakeMarker = '@@lxcri-0123456789abcdef';
  // The real marker but for its last hex digit (never equal to it).
  const nearMiss = `${marker.slice(0, -1)}${marker.endsWith('0') ? '1' : '0'}`;
  const items: Array<[Command, BatchItem]> = [
    [cmd('printf', ['%s\\n', 'line one', 'line two']), { stdout: 'line one\nline two\n', stderr: '', exitCode: 0 }],
    [cmd('printf', ['%s', 'no newline']), { stdout: 'no newline', stderr: '', exitCode: 0 }],
    [cmd('true', []), { stdout: '', stderr: '', exitCode: 0 }],
    [
      cmd('sh', ['-c', 'printf "partial out"; echo "oops: it failed" >&2; printf "no nl" >&2; exit 3']),
      { stdout: 'partial out', stderr: 'oops: it failed\nno nl', exitCode: 3 },
    ],
    [cmd('sh', ['-c', 'echo warning only >&2']), { stdout: '', stderr: 'warning only\n', exitCode: 0 }],
    // A read never waits on stdin.
    [cmd('cat', []), { stdout: '', stderr: '', exitCode: 0 }],
    [
      cmd('printf', ['%s\\n', '', `${fakeMarker} out 6 0`, `${fakeMarker} err 6`, '@@lxcri- out 7 0', `${nearMiss} out 6 0`, '']),
      { stdout: `\n${fakeMarker} out 6 0\n${fakeMarker} err 6\n@@lxcri- out 7 0\n${nearMiss} out 6 0\n\n`, stderr: '', exitCode: 0 },
    ],
    [cmd('printf', ['%s\\n\\n\\n', 'blank lines after']), { stdout: 'blank lines after\n\n\n', stderr: '', exitCode: 0 }],
    [cmd('printf', ['%s', 'last']), { stdout: 'last', stderr: '', exitCode: 0 }],
  ];
  const missing = cmd('lxcri-no-such-tool', ['--version']);
  const commands = [...items.map(([c]) => c), missing];
  const r = spawnSync('sh', ['-c', batchScript(commands, marker)], { encoding: 'utf8', cwd: scratch });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const parsed = parseBatch(r.stdout, commands.length, marker);
  assert.equal(parsed.length, commands.length);
  items.forEach(([c, expected], i) => assert.deepEqual(parsed[i], expected, `${i}: ${c.tool} ${c.args.join(' ')}`));
  const m = parsed[items.length]!;
  assert.equal(m.exitCode, 127);
  assert.equal(m.stdout, '');
  assert.match(m.stderr, /lxcri-no-such-tool/);
  assert.match(m.stderr, /No such file or directory|not found/);
});

test('parseBatch: a batch cut short gives the commands it finished and nothing for the rest', () => {
  const marker = newMarker();
  const commands = [cmd('printf', ['a']), cmd('printf', ['b']), cmd('printf', ['c'])];
  const r = spawnSync('sh', ['-c', batchScript(commands, marker)], { encoding: 'utf8' });
  const cut = r.stdout.slice(0, r.stdout.indexOf(`${marker} err 1`));
  assert.deepEqual(parseBatch(cut, 3, marker), [{ stdout: 'a', stderr: '', exitCode: 0 }, undefined, undefined]);
  assert.deepEqual(parseBatch(r.stdout, 3, newMarker()), [undefined, undefined, undefined]);
});

/**
 * "ssh" that runs the remote command string with a local `sh -c` (through the real ExecaRunner): the real SshRunner
 * over it maps errors exactly as it does for a node. Counts invocations.
 */
class LocalSsh implements Runner {
  readonly calls: Command[] = [];
  private readonly execa = new ExecaRunner({ defaultTimeoutMs: 20_000 });
  async run(command: Command, options?: RunOptions): Promise<CommandResult> {
    assert.equal(command.tool, 'ssh');
    assert.equal(command.args.at(-3), '--');
    this.calls.push(command);
    return this.execa.run({ ...command, tool: 'sh', args: ['-c', command.args.at(-1)!] }, options);
  }
}

function localSshRunner(): { ssh: SshRunner; local: LocalSsh } {
  const local = new LocalSsh();
  const ssh = new SshRunner(
    { node: 'pve2', destination: 'pve2', connectTimeoutSeconds: 5, controlPersistSeconds: 60, controlDir: join(scratch, 'control') },
    local,
  );
  return { ssh, local };
}

type Outcome =
  { ok: true; stdout: string; stderr: string; exitCode: number } | { ok: false; kind: string; message: string; exitCode?: number; stderr?: string };

async function outcome(runner: Runner, c: Command): Promise<Outcome> {
  try {
    const r = await runner.run(c);
    assert.equal(r.command, c, 'the result names the command the core built');
    return { ok: true, stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  } catch (error) {
    if (error instanceof ToolFailedError) {
      assert.equal(error.result.command, c);
      return { ok: false, kind: 'ToolFailedError', message: error.message, exitCode: error.result.exitCode, stderr: error.result.stderr };
    }
    if (error instanceof ToolMissingError) return { ok: false, kind: 'ToolMissingError', message: error.message };
    throw error;
  }
}

test('BatchingRunner: learned in one refresh, every read of the next comes from one invocation with the same results and errors', async () => {
  const dir = join(scratch, 'batch');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a'), 'alpha\n');
  writeFileSync(join(dir, 'b'), 'beta');
  const { ssh, local } = localSshRunner();
  const batch = new BatchingRunner(ssh);
  const reads = [
    cmd('cat', ['--', join(dir, 'a')]),
    cmd('ls', ['-1A', '--', dir]),
    cmd('sh', ['-c', 'printf "half"; echo "it failed: bad" >&2; exit 3']),
    cmd('cat', ['--', join(dir, 'missing')]),
    cmd('lxcri-no-such-tool', ['--version']),
  ];

  await batch.begin();
  assert.equal(local.calls.length, 0, 'nothing learned yet: nothing batched');
  const first: Outcome[] = [];
  await batch.within(async () => {
    for (const c of reads) first.push(await outcome(batch, c));
  });
  batch.end();
  assert.equal(local.calls.length, reads.length, 'one invocation per read the first time');
  assert.deepEqual(first[0], { ok: true, stdout: 'alpha\n', stderr: '', exitCode: 0 });
  assert.deepEqual(first[1], { ok: true, stdout: 'a\nb\n', stderr: '', exitCode: 0 });
  assert.deepEqual(first[2], {
    ok: false,
    kind: 'ToolFailedError',
    message: `sh -c 'printf "half"; echo "it failed: bad" >&2; exit 3' failed (exit 3): it failed: bad`,
    exitCode: 3,
    stderr: 'it failed: bad\n',
  });
  assert.equal(first[3]!.ok, false);
  assert.equal((first[3] as { kind: string }).kind, 'ToolFailedError');
  assert.deepEqual(first[4], { ok: false, kind: 'ToolMissingError', message: new ToolMissingError(reads[4]!).message });
  assert.deepEqual(batch.learnedReads, reads);

  await batch.begin();
  assert.equal(local.calls.length, reads.length + 1, 'the second refresh begins with exactly one invocation');
  const second: Outcome[] = [];
  await batch.within(async () => {
    for (const c of reads) second.push(await outcome(batch, c));
  });
  batch.end();
  assert.equal(local.calls.length, reads.length + 1, 'every read of the second refresh came from the batch');
  assert.equal(batch.invocations, reads.length + 1);
  for (let i = 0; i < reads.length; i++) assert.deepEqual(second[i], first[i], `read ${i}: ${reads[i]!.tool} ${reads[i]!.args.join(' ')}`);
});

test('BatchingRunner: a change drops what was read; a read not made in a refresh is forgotten by the next', async () => {
  const dir = join(scratch, 'batch2');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'a');
  writeFileSync(file, 'before');
  const { ssh, local } = localSshRunner();
  const readA = cmd('cat', ['--', file]);
  const readB = cmd('ls', ['-1A', '--', dir]);
  const batch = new BatchingRunner(ssh, [readA, readB]);

  await batch.begin();
  assert.equal(local.calls.length, 1);
  await batch.within(async () => {
    assert.equal((await batch.run(readA)).stdout, 'before');
    assert.equal(local.calls.length, 1, 'served from the batch');
    await batch.run(cmd('sh', ['-c', 'printf after > "$1"', 'sh', file], true));
    assert.equal(local.calls.length, 2, 'a change runs on its own');
    assert.equal((await batch.run(readA)).stdout, 'after', 'the cached read is not served after a change');
    assert.equal(local.calls.length, 3);
  });
  batch.end();
  assert.deepEqual(batch.learnedReads, [readA], 'readB was not made in that refresh');

  await batch.begin();
  assert.equal(local.calls.length, 4);
  const script = local.calls[3]!.args.at(-1)!;
  assert.ok(script.includes(remoteCommand(readA)));
  assert.ok(!script.includes(remoteCommand(readB)), 'a forgotten read is not batched');
  await batch.within(async () => {
    assert.equal((await batch.run(readB)).stdout, 'a\n');
    assert.equal(local.calls.length, 5, 'a read not learned goes through on its own');
  });
  batch.end();
  assert.deepEqual(batch.learnedReads, [readB]);

  // Outside a refresh nothing is learned or cached.
  await batch.run(readA);
  await batch.run(readA);
  assert.equal(local.calls.length, 7);
  assert.deepEqual(batch.learnedReads, [readB]);
});

/** A local runner that fails every command the way ssh or the remote command would. */
function failingLocal(exitCode: number, stderr: string): { runner: Runner; seen: Command[] } {
  const seen: Command[] = [];
  return {
    seen,
    runner: {
      async run(c) {
        seen.push(c);
        throw new ToolFailedError({ command: c, exitCode, stdout: '', stderr, durationMs: 1 });
      },
    },
  };
}

test('SshRunner: exit 255 is the node unreachable with ssh own words; 127 a missing tool; else the failure of the core command', async () => {
  const target: SshTarget = { ...TARGET, controlDir: join(scratch, 'control-map') };
  const zfsList = cmd('zfs', ['list', '-H'], false, { lockKey: '101', timeoutMs: 1234 });
  const unreachable = failingLocal(255, 'ssh: connect to host 127.0.0.1 port 2203: Connection refused\n');
  await assert.rejects(
    new SshRunner(target, unreachable.runner).run(zfsList),
    (e: unknown) =>
      e instanceof NodeUnreachableError &&
      e.node === 'pve2' &&
      e.reason === 'ssh: connect to host 127.0.0.1 port 2203: Connection refused' &&
      e.message === 'node pve2 is unreachable: ssh: connect to host 127.0.0.1 port 2203: Connection refused',
  );
  const sent = unreachable.seen[0]!;
  assert.equal(sent.tool, 'ssh');
  assert.deepEqual(sent.args, sshArgv(target, 'env LC_ALL=C LANG=C zfs list -H'));
  assert.equal(sent.lockKey, 'pve2:101', 'locks are per node');
  assert.equal(sent.timeoutMs, 1234);
  assert.ok(existsSync(target.controlDir), 'the control dir is made before ssh runs');

  await assert.rejects(
    new SshRunner(target, failingLocal(127, "env: 'zfs': No such file or directory\n").runner).run(zfsList),
    (e: unknown) => e instanceof ToolMissingError && e.command === zfsList,
  );
  await assert.rejects(
    new SshRunner(target, failingLocal(1, "cannot open 'x': dataset does not exist\n").runner).run(zfsList),
    (e: unknown) =>
      e instanceof ToolFailedError && e.result.command === zfsList && e.message === "zfs list -H failed (exit 1): cannot open 'x': dataset does not exist",
  );
  const timingOut: Runner = {
    async run(c) {
      throw new ToolTimeoutError(c, 1234);
    },
  };
  await assert.rejects(new SshRunner(target, timingOut).run(zfsList), (e: unknown) => e instanceof ToolTimeoutError && e.command === zfsList);
});

test('CommandFs over a runner: read, list, atomic write, exclusive create, append, rename, remove', async () => {
  const dir = join(scratch, 'cfs');
  const fs = new CommandFs(localSshRunner().ssh, 'pve2');
  const f = join(dir, 'sub', "it's a file");
  assert.equal(await fs.readFile(f), undefined);
  assert.deepEqual(await fs.readDir(dir), []);
  await fs.writeAtomic(f, 'one\ntwo\n');
  assert.equal(await fs.readFile(f), 'one\ntwo\n');
  assert.equal(readFileSync(f, 'utf8'), 'one\ntwo\n');
  assert.deepEqual(await fs.readDir(join(dir, 'sub')), ["it's a file"]);
  const lock = join(dir, 'locks', '101.lock');
  assert.equal(await fs.createExclusive(lock, 'pid 1'), true);
  assert.equal(await fs.createExclusive(lock, 'pid 2'), false);
  assert.equal(readFileSync(lock, 'utf8'), 'pid 1');
  await fs.append(join(dir, 'events.log'), 'a\n');
  await fs.append(join(dir, 'events.log'), 'b\n');
  assert.equal(await fs.readFile(join(dir, 'events.log')), 'a\nb\n');
  await fs.rename(lock, `${lock}.old`);
  assert.deepEqual(await fs.readDir(join(dir, 'locks')), ['101.lock.old']);
  await fs.remove(join(dir, 'locks'));
  assert.equal(existsSync(join(dir, 'locks')), false);
  await fs.mkdir(join(dir, 'x', 'y'));
  assert.ok(existsSync(join(dir, 'x', 'y')));
});

test('CommandFs.removeIfContent: removes the file only while it holds exactly that content (a lock still ours), in one invocation', async () => {
  const dir = join(scratch, 'cfs-rm-if');
  const { ssh, local } = localSshRunner();
  const fs = new CommandFs(ssh, 'pve2');
  const lock = join(dir, 'locks', "it's.lock");
  await fs.createExclusive(lock, '{"pid":1,"since":2}');
  const before = local.calls.length;
  await fs.removeIfContent(lock, '{"pid":9,"since":2}');
  assert.equal(readFileSync(lock, 'utf8'), '{"pid":1,"since":2}', 'another content: left as it is');
  await fs.removeIfContent(lock, '{"pid":1,"since":2}\n');
  assert.equal(existsSync(lock), true, 'a trailing newline is no match');
  await fs.removeIfContent(lock, '{"pid":1,"since":2}');
  assert.equal(existsSync(lock), false);
  await fs.removeIfContent(lock, '{"pid":1,"since":2}');
  assert.equal(local.calls.length - before, 4, 'one invocation each, a file gone is no error');
});

test('BatchingRunner.runSequence + Zfs.apply: changes in one invocation, stopped at the first failure; that one and the rest run on their own', async () => {
  const dir = join(scratch, 'seq');
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'log');
  const { ssh, local } = localSshRunner();
  const batch = new BatchingRunner(ssh);
  const step = (name: string) => cmd('sh', ['-c', 'printf "%s\\n" "$1" >> "$2"', 'sh', name, log], true);
  const fail = cmd('sh', ['-c', 'exit 3'], true);
  assert.equal(await batch.runSequence([step('a'), step("b'c")]), 2);
  assert.equal(readFileSync(log, 'utf8'), "a\nb'c\n");
  assert.equal(local.calls.length, 1, 'one invocation');
  assert.equal(await batch.runSequence([step('d'), fail, step('never')]), 1, 'the first failure stops it');
  assert.equal(readFileSync(log, 'utf8'), "a\nb'c\nd\n");
  assert.equal(batch.invocations, 2);

  // Zfs.apply: what the sequence did not get to runs the usual way, one by one (its tolerated errors tolerated).
  const alone: string[] = [];
  const runner: Runner = {
    run: async (c) => {
      alone.push([c.tool, ...c.args].join(' '));
      if (c.args[0] === 'hold')
        throw new ToolFailedError({
          command: c,
          exitCode: 1,
          stdout: '',
          stderr: "cannot hold snapshot 'p/a@s': tag already exists on this dataset\n",
          durationMs: 0,
        });
      return { command: c, exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
    },
    runSequence: async (commands) => {
      alone.push(`sequence of ${commands.length}`);
      return 1;
    },
  };
  const zfs = new Zfs(runner);
  await zfs.apply(zfs.changes().set('p/a', { readonly: 'on' }).hold('t', 'p/a@s').set('p/a@s', { 'lxcri:replicated': 'pve2' }));
  assert.deepEqual(alone, ['sequence of 3', 'zfs hold t p/a@s', 'zfs set lxcri:replicated=pve2 p/a@s']);
  // One change alone needs no sequence.
  alone.length = 0;
  await zfs.apply(zfs.changes().release('t', 'p/a@s'));
  assert.deepEqual(alone, ['zfs release t p/a@s']);
});

// ---------------------------------------------------------------------------------------------------------------
// Cluster
// ---------------------------------------------------------------------------------------------------------------

function world(ids: string[]): World {
  return {
    capabilities: { flavour: 'zfs-fuse', version: 'pool v23' },
    base: 'rpool/ct',
    inventory: {},
    pools: [],
    containers: ids.map((id) => ({
      id,
      name: `ct${id}`,
      status: 'running',
      sources: ['pct'],
      mounts: [],
      checkpoints: 0,
      safety: 0,
      foreign: 0,
      branches: 0,
      usedBySnapshots: 0,
      usedByDataset: 0,
      used: 0,
    })),
    refreshedAt: 1000,
  } as unknown as World;
}

interface FakeNode {
  node: ClusterNode;
  refreshes: number;
  /** What the next refresh does: answer, throw, or never settle. */
  behave: () => Promise<void>;
}

function fakeNode(name: string, ids: string[], behave: () => Promise<void> = async () => undefined, spec: Partial<ClusterNode['spec']> = {}): FakeNode {
  let current: World | undefined;
  const fake: FakeNode = {
    refreshes: 0,
    behave,
    node: undefined as unknown as ClusterNode,
  };
  const core = {
    ctx: { config: structuredClone(DEFAULT_CONFIG) },
    store: { getState: () => ({ world: current }) },
    refresh: async () => {
      fake.refreshes++;
      await fake.behave();
      current = world(ids);
      return current;
    },
  };
  fake.node = { spec: { name, ssh: `root@${name}`, ...spec }, core: core as unknown as Core, local: false };
  return fake;
}

const REFUSED = 'ssh: connect to host 127.0.0.1 port 2203: Connection refused';
const unreachable = async () => {
  throw new NodeUnreachableError('pve3', REFUSED);
};

test('Cluster: two nodes answer, one is unreachable: its reason is ssh own words, the others containers are all there', async () => {
  const pve1 = fakeNode('pve1', ['101', '102']);
  const pve2 = fakeNode('pve2', ['201']);
  const pve3 = fakeNode('pve3', ['301'], unreachable);
  let now = 10_000;
  const cluster = new Cluster([pve1.node, pve2.node, pve3.node], { timeoutMs: 5_000, now: () => now, name: 'lab', quorate: true });
  assert.equal(cluster.single, false);
  const view = await cluster.refresh();
  now += 1;
  assert.equal(view.name, 'lab');
  assert.equal(view.quorate, true);
  assert.deepEqual(
    view.nodes.map((n) => [n.name, n.reachable, n.error, n.failures]),
    [
      ['pve1', true, undefined, 0],
      ['pve2', true, undefined, 0],
      ['pve3', false, REFUSED, 1],
    ],
  );
  assert.equal(view.nodes[0]!.flavour, 'zfs-fuse');
  assert.equal(view.nodes[0]!.version, 'pool v23');
  assert.equal(view.nodes[2]!.retryAt, 10_000 + 5_000);
  assert.deepEqual([...view.worlds.keys()], ['pve1', 'pve2']);
  assert.deepEqual(
    view.containers.map((c) => [c.node, c.ref, c.summary.id]),
    [
      ['pve1', '101', '101'],
      ['pve1', '102', '102'],
      ['pve2', '201', '201'],
    ],
  );
  assert.deepEqual(
    cluster.unreachable().map((s) => s.name),
    ['pve3'],
  );
});

test('Cluster: a node that never answers is reported after the timeout; the others are not held up', async () => {
  const pve1 = fakeNode('pve1', ['101']);
  const pve2 = fakeNode('pve2', ['201'], () => new Promise<void>(() => undefined));
  const pve3 = fakeNode('pve3', ['301']);
  const cluster = new Cluster([pve1.node, pve2.node, pve3.node], { timeoutMs: 150 });
  const started = Date.now();
  const view = await cluster.refresh();
  const took = Date.now() - started;
  assert.ok(took >= 140 && took < 3_000, `took ${took} ms`);
  const s = view.nodes[1]!;
  assert.equal(s.reachable, false);
  assert.match(s.error ?? '', /^no answer within \d+ s \(root@pve2\)$/);
  assert.deepEqual(
    view.containers.map((c) => c.ref),
    ['101', '301'],
  );
});

test('Cluster: backoff: a failed node is not retried before retryAt unless forced, waits longer each time, and comes back', async () => {
  const pve1 = fakeNode('pve1', ['101']);
  const pve3 = fakeNode('pve3', ['301'], unreachable);
  let now = 1_000;
  const cluster = new Cluster([pve1.node, pve3.node], { timeoutMs: 5_000, now: () => now });
  await cluster.refresh();
  assert.equal(pve3.refreshes, 1);
  assert.equal(cluster.status.get('pve3')!.retryAt, 6_000);

  now = 5_999;
  await cluster.refresh();
  assert.equal(pve3.refreshes, 1, 'not retried before retryAt');
  assert.equal(pve1.refreshes, 2, 'the others are');
  assert.equal(cluster.status.get('pve3')!.error, REFUSED);

  await cluster.refresh({ force: true });
  assert.equal(pve3.refreshes, 2, 'force tries it anyway');
  assert.deepEqual([cluster.status.get('pve3')!.failures, cluster.status.get('pve3')!.retryAt], [2, 5_999 + 10_000]);

  now = 15_999;
  await cluster.refresh();
  assert.equal(pve3.refreshes, 3, 'retried once retryAt is reached');
  assert.deepEqual([cluster.status.get('pve3')!.failures, cluster.status.get('pve3')!.retryAt], [3, 15_999 + 30_000]);

  now = 45_999;
  pve3.behave = async () => undefined;
  const view = await cluster.refresh();
  assert.equal(pve3.refreshes, 4);
  const s = cluster.status.get('pve3')!;
  assert.deepEqual([s.reachable, s.failures, s.error, s.retryAt], [true, 0, undefined, undefined]);
  assert.deepEqual(
    view.containers.map((c) => c.ref),
    ['101', '301'],
  );

  // A node that answered before and fails now: its old world is not shown.
  now = 50_000;
  pve3.behave = unreachable;
  const after = await cluster.refresh();
  assert.deepEqual(
    after.containers.map((c) => c.ref),
    ['101'],
  );
  assert.equal(cluster.status.get('pve3')!.retryAt, 55_000, 'the count starts over after a success');
});

test('Cluster: a node the cluster says is offline is shown, never contacted (even forced)', async () => {
  const pve1 = fakeNode('pve1', ['101']);
  const pve2 = fakeNode('pve2', ['201'], async () => undefined, { online: false });
  const cluster = new Cluster([pve1.node, pve2.node], { timeoutMs: 5_000 });
  const view = await cluster.refresh({ force: true });
  assert.equal(pve2.refreshes, 0);
  assert.equal(view.nodes[1]!.reachable, false);
  assert.match(view.nodes[1]!.error ?? '', /offline/);
  assert.equal(view.nodes[1]!.online, false);
});

test('containerRefs: the id when unique, <node>:<id> when the id is on two nodes (or when all are qualified)', () => {
  const entries = [
    { node: 'pve1', id: '101' },
    { node: 'pve1', id: '102' },
    { node: 'pve2', id: '101' },
    { node: 'pve2', id: '201' },
  ];
  assert.deepEqual(containerRefs(entries), ['pve1:101', '102', 'pve2:101', '201']);
  assert.deepEqual(containerRefs(entries, true), ['pve1:101', 'pve1:102', 'pve2:101', 'pve2:201']);
  assert.deepEqual(containerRefs([]), []);
});

test('Cluster.locate: unique ids, <node>:<id>, an ambiguous id naming both refs, and not found naming the unreachable nodes', async () => {
  const pve1 = fakeNode('pve1', ['101', '102']);
  const pve2 = fakeNode('pve2', ['101', '201']);
  const pve3 = fakeNode('pve3', ['301'], unreachable);
  const cluster = new Cluster([pve1.node, pve2.node, pve3.node], { timeoutMs: 5_000 });

  const found = await cluster.locate('102');
  assert.equal(pve1.refreshes, 1, 'locate refreshes a cluster never refreshed');
  assert.deepEqual([found.node.spec.name, found.id], ['pve1', '102']);
  assert.deepEqual(
    cluster.view().containers.map((c) => c.ref),
    ['pve1:101', '102', 'pve2:101', '201'],
  );
  const direct = await cluster.locate('pve2:101');
  assert.deepEqual([direct.node.spec.name, direct.id], ['pve2', '101']);
  assert.equal(pve1.refreshes, 1, 'no second refresh');

  await assert.rejects(cluster.locate('101'), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.equal(e.message, 'container 101 exists on several nodes (pve1, pve2)');
    assert.equal(e.hint, 'name one: pve1:101 or pve2:101');
    return true;
  });
  await assert.rejects(cluster.locate('301'), (e: unknown) => {
    assert.ok(e instanceof NotFoundError);
    assert.equal(e.message, 'container 301 not found on the reachable nodes (unreachable: pve3)');
    assert.match(e.hint, /<node>:301/);
    return true;
  });
  await assert.rejects(
    cluster.locate('nosuch:101'),
    (e: unknown) => e instanceof UsageError && e.message === "unknown node 'nosuch'" && e.hint === 'nodes: pve1, pve2, pve3',
  );
  await assert.rejects(cluster.locate('bad name:101'), (e: unknown) => e instanceof UsageError && e.message === 'invalid node name "bad name"');

  const all = new Cluster([fakeNode('a', ['1']).node, fakeNode('b', ['2']).node], { timeoutMs: 5_000 });
  await assert.rejects(all.locate('9'), (e: unknown) => e instanceof NotFoundError && e.message === 'container 9 not found on any node');
});

test('a refresh that timed out ending late leaves the newer refresh batched; a .members entry without details is a usage error', async () => {
  const { BatchingRunner } = await import('../../src/core/nodes/read-batch.js');
  const { parseMembers } = await import('../../src/core/nodes/members.js');
  const { UsageError } = await import('../../src/core/errors.js');
  const { cmd } = await import('../../src/core/runner/command.js');
  let remote = 0;
  const ssh = {
    run: async (c: { tool: string; args: readonly string[] }) => ({ command: c, exitCode: 0, stdout: `single ${c.args.join(' ')}`, stderr: '', durationMs: 0 }),
    runRemote: async () => {
      remote++;
      return { command: cmd('sh', []), exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
    },
  };
  const batch = new BatchingRunner(ssh as never, [cmd('zfs', ['list'])]);
  const old = await batch.begin();
  const fresh = await batch.begin();
  batch.end(old);
  // Still inside the newer window: the read is recorded as used, so the newer end keeps it learned.
  await batch.within(() => batch.run(cmd('zfs', ['list'])));
  batch.end(fresh);
  assert.deepEqual(
    batch.learnedReads.map((c) => c.args.join(' ')),
    ['list'],
  );
  assert.equal(remote, 2);
  assert.throws(
    () => parseMembers('{"nodename":"pve1","nodelist":{"pve1":{"id":1,"online":1},"pve2":null}}'),
    (e: unknown) => e instanceof UsageError && /node "pve2" has no details/.test(e.message),
  );
});

test("a refresh's batch serves only the refresh's own reads: an operation meanwhile on the node reads the node itself and is not stopped with it", async () => {
  const { BatchingRunner } = await import('../../src/core/nodes/read-batch.js');
  const ran: string[] = [];
  const ssh = {
    run: async (c: { tool: string; args: readonly string[] }) => {
      ran.push(c.args.join(' '));
      return { command: c, exitCode: 0, stdout: 'live', stderr: '', durationMs: 0 };
    },
    runRemote: async () => ({ command: cmd('sh', []), exitCode: 0, stdout: '', stderr: '', durationMs: 0 }),
  };
  const read = cmd('zfs', ['list']);
  const batch = new BatchingRunner(ssh as never, [read]);
  await batch.begin();
  // The operation (outside the refresh's scope) is not served from the window, and abort() does not stop it.
  batch.abort(new Error('refresh timed out'));
  assert.equal((await batch.run(read)).stdout, 'live');
  assert.deepEqual(ran, ['list'], 'the operation ran its own read');
  await assert.rejects(
    batch.within(() => batch.run(read)),
    /refresh timed out/,
  );
  batch.end();
});

test('"local" is no node name (it means this machine in the ssh field); a port needs the ssh:// form', async () => {
  const { validateNodeName, validateSshDestination } = await import('../../src/core/nodes/node-spec.js');
  const { UsageError } = await import('../../src/core/errors.js');
  assert.throws(
    () => validateNodeName('local'),
    (e: unknown) => e instanceof UsageError && /reserved/.test(e.message),
  );
  assert.throws(() => validateSshDestination('root@host:2222', 'pve2'), UsageError);
  assert.equal(validateSshDestination('ssh://root@host:2222', 'pve2'), 'ssh://root@host:2222');
});

test('learned reads kept between processes: only refresh reads are loaded (a planted command is dropped), and only from a directory of this user alone', async () => {
  const { connectCluster, isRefreshRead } = await import('../../src/core/nodes/connect.js');
  const { privateDir } = await import('../../src/core/nodes/private-dir.js');
  const { ExecaRunner } = await import('../../src/core/runner/execa-runner.js');
  assert.equal(isRefreshRead(cmd('zfs', ['list', '-H'])), true);
  assert.equal(isRefreshRead(cmd('cat', ['--', '/etc/pve/storage.cfg'])), true);
  assert.equal(isRefreshRead(cmd('sh', ['-c', 'id > /tmp/pwned'])), false);
  assert.equal(isRefreshRead(cmd('zfs', ['destroy', 'rpool/data/x'])), false);
  assert.equal(isRefreshRead(cmd('cat', ['/etc/shadow', '/etc/passwd'])), false);

  const open = join(scratch, 'open-dir');
  mkdirSync(open, { recursive: true });
  chmodSync(open, 0o777);
  assert.equal(privateDir(open), false, 'a directory others can write to is not ours alone');
  const mine = join(scratch, 'mine');
  assert.equal(privateDir(mine), true);

  writeFileSync(
    join(mine, 'reads-pve2.json'),
    JSON.stringify([
      { tool: 'sh', args: ['-c', 'id > /tmp/pwned'], mutates: false },
      { tool: 'zfs', args: ['version'], mutates: false },
    ]),
  );
  const config = parseConfig({ nodes: [{ name: 'pve2', ssh: 'root@127.0.0.1' }] });
  const cluster = await connectCluster(config, { runner: new ExecaRunner(), controlDir: mine });
  assert.deepEqual(
    cluster.nodes[0]!.batch!.learnedReads.map((c) => [c.tool, ...c.args].join(' ')),
    ['zfs version'],
  );
  const insecure = await connectCluster(config, { runner: new ExecaRunner(), controlDir: open });
  assert.deepEqual(insecure.nodes[0]!.batch!.learnedReads, [], 'nothing is read from a directory others can write to');
  assert.ok(
    !sshArgv(insecure.nodes[0]!.ssh!.target, 'true').some((a) => a.startsWith('ControlPath=') && a !== 'ControlPath=none'),
    'no shared connection there',
  );
});
