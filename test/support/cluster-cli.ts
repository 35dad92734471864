// The two-node harness as the replication, move and restore --on tests drive it: the CLI run with a config that reaches
// every node by its ssh_config alias (state under a dataset of its own on each node), and ground truth read with zfs
// inside each node's namespace.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { clusterConfig, startCluster, type Cluster } from './cluster.js';
import { runCli, type CliRun } from './cli-process.js';

export interface ClusterCli {
  cluster: Cluster;
  dir: string;
  configFile: string;
  /** A command inside a node; fails the test unless it exits 0. */
  on(node: string, argv: string[]): string;
  zfs(node: string, args: string[]): string;
  /** `zfs get -Hp` of one property (exact guids and sizes on zfs-fuse too). */
  prop(node: string, property: string, name: string): string;
  exists(node: string, dataset: string): boolean;
  /** The container's family (its line and its branches) on a node: datasets, and snapshots with their guids. */
  family(node: string, id: string): string[];
  guids(node: string, id: string): Map<string, string>;
  /** Writes state.txt in a container's dataset on a node; `read` reads it back. */
  write(node: string, id: string, content: string): void;
  read(node: string, id: string): string;
  cli(args: string[], env?: Record<string, string>): CliRun;
  /** The CLI, which must exit 0. */
  ok(args: string[]): CliRun;
  stop(): void;
}

export const lines = (text: string) => text.split('\n').filter(Boolean);

export function startClusterCli(names = ['pve1', 'pve2'], size = '256M'): ClusterCli {
  const cluster = startCluster(names, { size });
  const dir = cluster.dir;
  mkdirSync(`${dir}/run`, { recursive: true, mode: 0o700 });
  mkdirSync(`${dir}/node`, { recursive: true });
  const on = (node: string, argv: string[]) => {
    const r = cluster.node(node).exec(argv);
    assert.equal(r.status, 0, `${node}: ${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  for (const n of cluster.nodes) on(n.name, ['zfs', 'create', '-o', `mountpoint=${dir}/node`, 'rpool/lxcri']);
  const configFile = `${dir}/config.json`;
  writeFileSync(configFile, JSON.stringify(clusterConfig(cluster, dir, `${dir}/node`)));
  const zfs = (node: string, args: string[]) => on(node, ['zfs', ...args]);
  const prop = (node: string, property: string, name: string) => zfs(node, ['get', '-Hp', '-o', 'value', property, name]).trim();
  const ofFamily = (name: string, id: string) => name === `rpool/data/${id}` || name.startsWith(`rpool/data/${id}@`) || name.includes(`lxcri-br-${id}-`);
  const cli = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--config', configFile], { XDG_RUNTIME_DIR: `${dir}/run`, ...env });
  return {
    cluster,
    dir,
    configFile,
    on,
    zfs,
    prop,
    exists: (node, dataset) => cluster.node(node).exec(['zfs', 'list', '-H', '-o', 'name', dataset]).status === 0,
    family: (node, id) => lines(zfs(node, ['list', '-H', '-o', 'name', '-r', 'rpool/data'])).filter((d) => ofFamily(d, id)),
    guids(node, id) {
      const out = new Map<string, string>();
      for (const l of lines(zfs(node, ['get', '-Hp', '-r', '-o', 'name,value', 'guid', 'rpool/data']))) {
        const [n, v] = l.split('\t');
        if (n!.includes('@') && ofFamily(n!, id)) out.set(n!, v!);
      }
      return out;
    },
    write(node, id, content) {
      on(node, ['sh', '-c', 'printf %s "$1" > "$2"', 'sh', content, `${prop(node, 'mountpoint', `rpool/data/${id}`)}/state.txt`]);
    },
    read: (node, id) => on(node, ['cat', `${prop(node, 'mountpoint', `rpool/data/${id}`)}/state.txt`]),
    cli,
    ok(args) {
      const r = cli(args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}${r.stdout}`);
      return r;
    },
    stop: () => cluster.stop(),
  };
}
