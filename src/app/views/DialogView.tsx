import type { ReactNode } from 'react';
import { Box } from 'ink';
import { useLook } from '../../../components/theme-context.js';
import { describeAction } from '../../core/ops/delete.js';
import { describeRestorePlan } from '../../present/plans.js';
import { formatAge, formatBytes, formatTime } from '../../present/units.js';
import { READ_ONLY_RECOVER } from '../bindings.js';
import { useApp } from '../app-context.js';
import { useUi } from './hooks.js';
import { Text } from '../../../components/Text.js';
import { TextFieldView } from './TextFieldView.js';

export function DialogView({ height }: { height: number }) {
  const app = useApp();
  const { theme } = useLook();
  const d = useUi((s) => s.dialog);
  const interrupted = useUi((s) => s.interrupted);
  const readOnly = useUi((s) => s.readOnly);
  const c = app.selectedContainer();
  if (!d) return null;
  const box = (title: string, lines: ReactNode[], footer: ReactNode) => (
    <Box flexDirection="column" borderStyle="double" borderColor={theme.color('border.focus')} paddingX={1}>
      <Text bold color={theme.color('title')}>
        {title}
      </Text>
      {lines.slice(0, Math.max(1, height - 5)).map((l, i) => (
        <Text key={i} wrap="truncate">
          {l}
        </Text>
      ))}
      <Text color={theme.color('text.accent')}>{footer}</Text>
    </Box>
  );
  switch (d.kind) {
    case 'quit':
      return box('Quit?', ['An operation is still running; quitting cancels what has not started yet.'], 'y quit   any other key: stay');
    case 'checkpoint':
      return box(
        `${d.stateful ? 'Stateful checkpoint (CRIU)' : 'Checkpoint'} of ${c?.id} ${c?.name}`,
        [
          <>
            {'label: '}
            <TextFieldView text={d.label} cursor={d.cursor} />
          </>,
        ],
        'Enter create   Esc cancel',
      );
    case 'restore': {
      const plan = d.choice === 'branch' ? d.branch : d.rollback;
      const tabs = `[${d.choice === 'branch' ? '*' : ' '}] branch restore (keeps everything)   [${d.choice === 'rollback' ? '*' : ' '}] rollback (destroys newer)`;
      const lines = plan ? describeRestorePlan(plan) : [`rollback not possible: ${d.rollbackError}`];
      const footer =
        d.choice === 'branch' ? (
          'Enter restore   Tab rollback   Esc cancel'
        ) : (
          <>
            {`type ${c?.id} then Enter to roll back: `}
            <TextFieldView text={d.typed} cursor={d.cursor} />
            {'   Tab branch   Esc cancel'}
          </>
        );
      return box(`Restore ${c?.id} to ${d.branch.target.name}`, [tabs, '', ...lines], footer);
    }
    case 'delete':
      return box(
        `Delete ${d.plan.target.name}${d.plan.subtree ? ' and its subtree' : ''}`,
        [...d.plan.actions.map((a) => describeAction(a)), `at least ${formatBytes(d.plan.usedBytes)} freed`],
        <>
          {`type ${c?.id} then Enter to delete: `}
          <TextFieldView text={d.typed} cursor={d.cursor} />
          {`   Tab ${d.plan.subtree ? 'this checkpoint only' : 'with its subtree'}   Esc cancel`}
        </>,
      );
    case 'recover': {
      if (!interrupted.length) return box('Interrupted operations', ['none left: every operation finished or was undone'], 'Esc close');
      const index = Math.min(d.index, interrupted.length - 1);
      const e = interrupted[index]!;
      const lines = interrupted.map(
        (x, i) =>
          `${i === index ? '>' : ' '} ${x.operation} of ${x.container}: ${x.done.length} of ${x.steps.length} step(s) done (pid ${x.pid} on ${x.host}, ${formatTime(Math.floor(x.startedAt / 1000))})`,
      );
      // What y would run (as `lxcri-console recover` lists it), or the selected operation's steps.
      const steps =
        d.confirm === 'finish'
          ? [...e.unsure, ...e.pending].map((s) => `  run      ${s}`)
          : d.confirm === 'undo'
            ? [...e.unsure, ...e.done].reverse().map((s) => `  undo     ${s}`)
            : [
                ...e.done.map((s) => `  done     ${s}`),
                ...e.unsure.map((s) => `  unsure   ${s} (was running when the process died)`),
                ...e.pending.map((s) => `  pending  ${s}`),
              ];
      const footer = readOnly
        ? READ_ONLY_RECOVER
        : d.confirm
          ? `y ${d.confirm} the ${e.operation} of ${e.container}   f finish / u undo instead   Esc close`
          : `f finish   u undo   ${interrupted.length > 1 ? 'j/k choose   ' : ''}Esc close (I opens this again)`;
      const what = d.confirm === 'finish' ? 'finishing runs:' : d.confirm === 'undo' ? 'undoing reverses:' : 'steps:';
      return box(
        `Interrupted operations (${interrupted.length}): a kill or crash left them half-done`,
        [...lines, ' ', what, ...(steps.length ? steps : ['  nothing'])],
        footer,
      );
    }
    case 'prune': {
      const now = Math.floor(Date.now() / 1000);
      const lines = d.plans.flatMap((p) => [
        `${p.container}: prune ${p.items.filter((i) => i.action === 'prune').length} of ${p.items.length}, reclaims ${formatBytes(p.reclaimBytes)} (${p.reclaimAccuracy})`,
        ...p.items.map(
          (i) =>
            `${i.action === 'prune' ? 'PRUNE' : 'keep '} ${i.name.padEnd(26)} ${formatAge(i.creation, now).padStart(4)} ${formatBytes(i.used).padStart(6)}  ${i.reason}`,
        ),
      ]);
      const total = d.plans.reduce((n, p) => n + p.items.filter((i) => i.action === 'prune').length, 0);
      return box('Prune plan', lines.slice(d.scroll), total ? `y run it (${total} checkpoint(s))   j/k scroll   Esc cancel` : 'nothing to prune   Esc close');
    }
  }
}
