import { DialogBox } from '../../../components/DialogBox.js';
import { Text } from '../../../components/Text.js';
import { LxcriError } from '../../core/errors.js';
import type { RestoreFileOptions } from '../../core/ops/file-restore.js';
import { replaceConfirmLine, restoreFilePlanLines } from '../../present/file-diff.js';
import type { Binding } from '../bindings.js';
import type { Dialog } from '../ui-store.js';
import { TextFieldView } from '../views/TextFieldView.js';
import { DIALOG_SCROLL_BINDINGS, key, type DialogEnv, type DialogModule, type DialogResult } from './types.js';

type RestoreFileDialog = Extract<Dialog, { kind: 'restore-file' }>;

/** The preview's keys: restore as it says, put the copy elsewhere (--to), remove the current version (--replace). */
const BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['y', 'return'], description: 'restore the file as the preview says', changes: true },
  { id: 'switch', keys: ['t'], description: 'put the copy elsewhere in the container: type a destination (--to), a path that does not exist yet' },
  { id: 'replace', keys: ['r'], description: 'remove the current version instead of keeping it beside (--replace; asks again), or keep it again' },
  { id: 'close', keys: ['escape', 'n'], description: 'cancel: back to the file browser' },
  ...DIALOG_SCROLL_BINDINGS,
];

/** Typing the --to destination: Enter takes it (checked as the CLI checks it), Esc goes back to the preview as it was. */
const TO_BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['return'], description: 'use this destination (the preview is read again)' },
  { id: 'close', keys: ['escape'], description: 'back to the preview, as it was' },
  ...DIALOG_SCROLL_BINDINGS,
];

/** --replace's own confirmation: it names what is removed. */
const REPLACE_BINDINGS: readonly Binding[] = [
  { id: 'confirm', keys: ['y'], description: 'remove the current version and restore', dangerous: true },
  { id: 'close', keys: ['escape', 'n'], description: 'back to the preview' },
  ...DIALOG_SCROLL_BINDINGS,
];

function tableOf(d: RestoreFileDialog): readonly Binding[] {
  return d.to !== undefined ? TO_BINDINGS : d.confirming ? REPLACE_BINDINGS : BINDINGS;
}

/** The options the plan on screen was made with (what the restore runs with). */
function optionsOf(d: RestoreFileDialog): RestoreFileOptions {
  const p = d.plan;
  return p.dest !== p.path ? { to: p.dest } : p.replace ? { replace: true } : {};
}

/** The preview (planRestoreFile): what is copied where, what becomes of the current version, the steps. */
function restoreFileLines(d: RestoreFileDialog): string[] {
  return [...(d.error ? [`refused: ${d.error}`, ''] : []), ...(d.confirming ? [replaceConfirmLine(d.plan), ''] : []), ...restoreFilePlanLines(d.plan)];
}

function footer(d: RestoreFileDialog) {
  if (d.to !== undefined) {
    return (
      <Text>
        {'--to (a path in the container that does not exist yet): '}
        <TextFieldView text={d.to} cursor={d.cursor} />
        {`   ${key(TO_BINDINGS, 'confirm')} use it   ${key(TO_BINDINGS, 'close')} back`}
      </Text>
    );
  }
  if (d.confirming) return `${key(REPLACE_BINDINGS, 'confirm')} remove the current ${d.plan.dest} and restore   ${key(REPLACE_BINDINGS, 'close')} back`;
  const replaceWord = d.plan.replace ? 'keep the current one' : 'replace the current one';
  return `${key(BINDINGS, 'confirm')}/Enter restore   ${key(BINDINGS, 'switch')} --to elsewhere   ${key(BINDINGS, 'replace')} ${replaceWord}   ${key(BINDINGS, 'close')} cancel`;
}

function RestoreFileView({ dialog: d, height }: { dialog: RestoreFileDialog; height: number }) {
  return (
    <DialogBox
      title={`Restore ${d.plan.path} of ${d.plan.container} from ${d.plan.checkpoint}`}
      lines={restoreFileLines(d)}
      scroll={d.scroll}
      footer={footer(d)}
      height={height}
    />
  );
}

/** The preview read again with other options; a refusal keeps the one on screen and says why. */
async function replan(env: DialogEnv, d: RestoreFileDialog, opts: RestoreFileOptions, onRefusal: RestoreFileDialog): Promise<DialogResult<RestoreFileDialog>> {
  try {
    const plan = await env.core.planRestoreFile(d.plan.container, d.checkpoint, d.plan.path, opts);
    return { next: { kind: 'restore-file', checkpoint: d.checkpoint, plan, scroll: 0 } };
  } catch (error) {
    if (!(error instanceof LxcriError)) throw error;
    return { next: { ...onRefusal, error: `${error.message} (${error.hint})` } };
  }
}

/**
 * "Restore this file", from the file browser (`f`, Enter on a file): the default keeps the current version beside
 * it; `t` types a destination elsewhere (--to), `r` removes the current version instead (--replace, confirmed again,
 * naming it). Each option reads the preview again; the core refuses what the CLI refuses.
 */
export const RESTORE_FILE: DialogModule<RestoreFileDialog> = {
  kind: 'restore-file',
  bindings: tableOf,
  lines: restoreFileLines,
  field: (d) => (d.to !== undefined ? { text: d.to, cursor: d.cursor ?? [...d.to].length } : undefined),
  withField: (d, f) => ({ ...d, to: f.text, cursor: f.cursor }),
  returnTo: () => 'files',
  reduce: async (d, command, env) => {
    const p = d.plan;
    const { to: _to, cursor: _cursor, error: _error, confirming: _confirming, ...preview } = d;
    if (d.to !== undefined) {
      if (command === 'close') return { next: preview };
      if (command !== 'confirm') return undefined;
      return replan(env, d, { to: d.to }, { ...d, error: undefined });
    }
    if (d.confirming) {
      if (command === 'close') return { next: preview };
      if (command !== 'confirm') return undefined;
      return run(d);
    }
    switch (command) {
      case 'close':
        return { close: true };
      case 'switch':
        // The field starts from the destination on screen, to be edited.
        return { next: { ...preview, to: p.dest !== p.path ? p.dest : `${p.path}.restored` } };
      case 'replace':
        // In place again, removing the current version, or keeping it again.
        return replan(env, d, p.replace ? {} : { replace: true }, { ...preview });
      case 'confirm':
        if (p.replace && p.current) return { next: { ...preview, confirming: true, scroll: 0 } };
        return run(d);
      default:
        return undefined;
    }
  },
  View: RestoreFileView,
};

function run(d: RestoreFileDialog): DialogResult<RestoreFileDialog> {
  const p = d.plan;
  const opts = optionsOf(d);
  return {
    run: {
      what: `restore of ${p.path} from ${p.checkpoint} in ${p.container}${opts.to !== undefined ? ` to ${opts.to}` : ''}`,
      action: (core) => core.restoreFile(p.container, d.checkpoint, p.path, { ...opts, confirmed: true }),
    },
  };
}
