import { UsageError } from '../../core/errors.js';
import { spaceRangeLines, spaceReportLines } from '../../present/space-lines.js';
import type { SpaceReport } from '../../core/model/space.js';
import type { CommandSpec } from '../command-spec.js';
import { printJson } from '../command-spec.js';
import { readEveryNode } from '../cluster-read.js';

/** Each pool and container named with its node (a cluster of several nodes). */
const onNode = (report: SpaceReport, node: string): SpaceReport => ({
  pools: report.pools.map((p) => ({ ...p, node, containers: p.containers.map((c) => ({ ...c, node })) })),
});

export const spaceCommand: CommandSpec = {
  name: 'space',
  args: '[container...]',
  summary: "where the space is: live data, checkpoints' own and shared space, branches, CRIU images, and each checkpoint's used/written/referenced",
  // The containers named run where they live; none named reads every node (as list and pool do).
  targets: (positionals) => (positionals.length ? 'all' : 'cluster'),
  options: {
    range: {
      type: 'string',
      value: 'A..B',
      description: 'what destroying the checkpoints A to B of one line would free (exact on OpenZFS, a lower bound on zfs-fuse); one container',
    },
  },
  examples: ['lxcri-console space', 'lxcri-console space web --json', 'lxcri-console space web --range checkpoint-1763890000..checkpoint-1763893600'],
  async run(env, positionals, values) {
    if (values.range !== undefined) {
      const [id, extra] = positionals;
      if (!id || extra) throw new UsageError('--range takes exactly one container', 'usage: lxcri-console space <container> --range <A>..<B>');
      const range = await env.core.spaceRange(id, values.range as string);
      if (env.json) printJson(env, range);
      else env.out(spaceRangeLines(range).join('\n'));
      return;
    }
    const several = !env.cluster.single;
    let report: SpaceReport;
    if (positionals.length) {
      report = await env.core.space(positionals);
      const node = env.cluster.nodes.find((n) => n.core === env.core)?.spec.name;
      if (several && node) report = onNode(report, node);
    } else {
      const { results } = await readEveryNode(env, (core) => core.space());
      // In the cluster's order of nodes, whichever answered first.
      report = {
        pools: env.cluster.nodes.flatMap(({ spec: { name } }) => {
          const r = results.get(name);
          return r ? (several ? onNode(r, name) : r).pools : [];
        }),
      };
    }
    if (env.json) printJson(env, report);
    else env.out(spaceReportLines(report).join('\n'));
  },
};
