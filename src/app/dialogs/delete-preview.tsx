import { Text } from '../../../components/Text.js';
import { describeAction, type DeleteAction } from '../../core/ops/delete.js';
import type { Binding } from '../bindings.js';
import { TextFieldView } from '../views/TextFieldView.js';
import { key, stepsLines } from './types.js';

/** The delete dialogs' text (one checkpoint, a marked set, a branch): what happens to the data, the zfs steps on request. */
export function deletePreviewLines(summary: string[], steps: boolean | undefined, table: readonly Binding[], actions: readonly DeleteAction[]): string[] {
  return [
    ...summary,
    ...stepsLines(
      steps,
      table,
      actions.map((a) => `  ${describeAction(a)}`),
    ),
  ];
}

/** The delete dialogs' footer: the container id typed to confirm, and what else the dialog's keys do. */
export function TypedDeleteFooter({
  id,
  table,
  typed,
  cursor,
  more = '',
}: {
  id: string;
  table: readonly Binding[];
  typed: string;
  cursor?: number;
  more?: string;
}) {
  return (
    <Text>
      {`type ${id} then ${key(table, 'confirm')} to delete: `}
      <TextFieldView text={typed} cursor={cursor} />
      {`   ${more}${key(table, 'close')} cancel`}
    </Text>
  );
}
