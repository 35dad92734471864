import { Box, useStdout } from 'ink';
import { useEffect, useState, type ReactNode } from 'react';
import { CapacityBar } from '../../../components/CapacityBar.js';
import { Spinner } from '../../../components/Spinner.js';
import { useLook } from '../../../components/theme-context.js';
import type { World } from '../../core/world.js';
import { operationText } from '../../present/progress-text.js';
import { useCore, useUi } from './hooks.js';
import { Text } from '../../../components/Text.js';

const TITLE = 'lxcri-console';
const READ_ONLY = ' READ-ONLY ';
const BAR_WIDTHS = [10, 4, 0];

/** A pool's part of the header: `  rpool ████████░░ 79% ONLINE`, the bar as wide as given. */
const poolLength = (p: { name: string; capacity: number; health: string }, bar: number) =>
  `  ${p.name} `.length + bar + ` ${p.capacity}%`.length + ` ${p.health}`.length;

/**
 * What fits on the header line, pools (name, capacity %, health) first: the bars narrow, then the tool version, then
 * the host (cut, then dropped) give way. The interrupted-operations notice is never cut.
 */
export function headerParts(
  width: number,
  opts: { host: string; version?: string; pools: World['pools']; readOnly: boolean; notice?: string },
): { host: string; version: string; bar: number } {
  const fixed = TITLE.length + (opts.readOnly ? READ_ONLY.length : 0) + (opts.notice?.length ?? 0);
  const pools = (bar: number) => opts.pools.reduce((n, p) => n + poolLength(p, bar), 0);
  const bar = BAR_WIDTHS.find((b) => fixed + pools(b) <= width) ?? 0;
  const room = width - fixed - pools(bar);
  const host = `  ${opts.host}`;
  const version = opts.version ? `  ${opts.version}` : '';
  if (room >= host.length + version.length) return { host, version, bar };
  if (room >= host.length) return { host, version: '', bar };
  if (room >= 10) return { host: `${host.slice(0, room - 1)}…`, version: '', bar };
  return { host: '', version: '', bar };
}

export function Header({ host }: { host: string }) {
  const { theme } = useLook();
  const { stdout } = useStdout();
  const world = useCore((s) => s.world);
  const interrupted = useUi((s) => s.interrupted.length);
  const readOnly = useUi((s) => s.readOnly);
  const caps = world?.capabilities;
  const marked = useUi((s) => s.marks.length);
  const nodeFilter = useUi((s) => s.nodeFilter);
  // A cluster: every node's pools (named <node>:<pool>), each node that did not answer, and a lost quorum.
  const cluster = world?.nodes && world.nodes.length > 1 ? world : undefined;
  const down = (cluster?.nodes ?? []).filter((n) => n.reachable === false).map((n) => `  ${n.name} UNREACHABLE`);
  const quorum = cluster?.cluster?.quorate === false ? '  NO QUORUM' : '';
  const notice =
    `${nodeFilter ? `  node ${nodeFilter}` : ''}${marked ? `  ${marked} marked` : ''}${interrupted ? `  ${interrupted} interrupted operation${interrupted > 1 ? 's' : ''}: press I` : ''}` ||
    undefined;
  const pools = world?.pools ?? [];
  const parts = headerParts(stdout.columns || 80, {
    host,
    version: caps ? `${caps.flavour} ${caps.version}` : 'reading…',
    pools,
    readOnly,
    ...(notice || down.length || quorum ? { notice: `${down.join('')}${quorum}${notice ?? ''}` } : {}),
  });
  return (
    <Box justifyContent="space-between">
      <Text wrap="truncate">
        <Text bold color={theme.color('title')}>
          {TITLE}
        </Text>
        {readOnly ? (
          <Text inverse color={theme.color('status.warning')}>
            {READ_ONLY}
          </Text>
        ) : null}
        <Text color={theme.color('text.dim')}>{`${parts.host}${parts.version}`}</Text>
        {pools.map((p) => (
          <Text key={p.name}>
            {`  ${p.name} `}
            <CapacityBar percent={p.capacity} width={parts.bar} />
            <Text color={theme.color(p.health === 'ONLINE' ? 'status.ok' : 'status.error')}>{` ${p.health}`}</Text>
          </Text>
        ))}
      </Text>
      {notice || down.length || quorum ? (
        // Never the part cut short: it is how an admin learns something was left half-done, or a node is gone.
        <Box flexShrink={0}>
          <Text color={theme.color('status.error')}>{`${down.join('')}${quorum}`}</Text>
          <Text color={theme.color('status.warning')}>{notice ?? ''}</Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** A read (refresh, plan) shows progress only once it has taken this long; a change shows it at once. */
export const QUIET_READ_MS = 1000;

/**
 * Whether the core's current operation is shown, and its elapsed seconds: changes (checkpoint, restore…) at once,
 * reads only when slow, so the periodic refresh draws nothing. Re-renders once a second while shown, not otherwise.
 */
function useProgress(): string | undefined {
  const op = useCore((s) => s.operation);
  const busy = useCore((s) => s.busy);
  const mutating = useCore((s) => s.mutating);
  const [now, setNow] = useState(() => Date.now());
  const active = busy > 0 && op !== undefined;
  const shown = active && (mutating > 0 || now - op.startedAt >= QUIET_READ_MS);
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    if (!shown) {
      const t = setTimeout(() => setNow(Date.now()), Math.max(0, op.startedAt + QUIET_READ_MS - Date.now()));
      return () => clearTimeout(t);
    }
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active, shown, op?.startedAt]);
  // A stream's bytes arrive between the once-a-second ticks: its rate is read against the time they arrived.
  return shown ? operationText(op, op.transfer ? Date.now() : now) : undefined;
}

/**
 * The status line above the key legend: the running operation's progress (spinner, title, step, seconds) on its own
 * line, never over the header's pools, followed by `children` (the flash message), which is all it shows otherwise.
 */
export function ProgressLine({ children }: { children: ReactNode }) {
  const text = useProgress();
  const { stdout } = useStdout();
  if (!text) return <>{children}</>;
  const room = Math.max(10, (stdout.columns || 80) - 4);
  return (
    <Box>
      <Box flexShrink={0}>
        <Text>
          <Spinner /> {`${text.length > room ? `${text.slice(0, room - 1)}…` : text}  `}
        </Text>
      </Box>
      <Box flexGrow={1}>{children}</Box>
    </Box>
  );
}
