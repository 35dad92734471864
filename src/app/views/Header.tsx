import { Box } from 'ink';
import { CapacityBar } from '../../../components/CapacityBar.js';
import { Spinner } from '../../../components/Spinner.js';
import { useLook } from '../../../components/theme-context.js';
import { useCore, useUi } from './hooks.js';
import { Text } from '../../../components/Text.js';

export function Header({ host }: { host: string }) {
  const { theme } = useLook();
  const world = useCore((s) => s.world);
  const op = useCore((s) => s.operation);
  const busy = useCore((s) => s.busy);
  const interrupted = useUi((s) => s.interrupted.length);
  const readOnly = useUi((s) => s.readOnly);
  const caps = world?.capabilities;
  return (
    <Box justifyContent="space-between">
      <Text wrap="truncate">
        <Text bold color={theme.color('title')}>
          lxcri-console
        </Text>
        {readOnly ? (
          <Text inverse color={theme.color('status.warning')}>
            {' READ-ONLY '}
          </Text>
        ) : null}
        <Text color={theme.color('text.dim')}>{`  ${host}  ${caps ? `${caps.flavour} ${caps.version}` : 'reading…'}`}</Text>
        {world?.pools.map((p) => (
          <Text key={p.name}>
            {`  ${p.name} `}
            <CapacityBar percent={p.capacity} />
            <Text color={theme.color(p.health === 'ONLINE' ? 'status.ok' : 'status.error')}>{` ${p.health}`}</Text>
          </Text>
        ))}
      </Text>
      {busy > 0 && op ? (
        <Text wrap="truncate">
          <Spinner /> <Text>{`${op.title}: ${op.step} (${Math.floor((Date.now() - op.startedAt) / 1000)}s)`}</Text>
        </Text>
      ) : interrupted ? (
        // Never the part cut short: it is how an admin learns something was left half-done.
        <Box flexShrink={0}>
          <Text color={theme.color('status.warning')}>{`  ${interrupted} interrupted operation${interrupted > 1 ? 's' : ''}: press I`}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
