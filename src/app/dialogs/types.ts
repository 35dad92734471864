import type { ReactNode } from 'react';
import type { Core } from '../../core/core.js';
import type { Binding, CommandId } from '../bindings.js';
import { keyName } from '../key-names.js';
import type { TextField } from '../text-field.js';
import type { Dialog, InterruptedOperation, Mode } from '../ui-store.js';

/** What a dialog's reducer sees besides its own state. */
export interface DialogEnv {
  core: Core;
  readOnly: boolean;
  interrupted: InterruptedOperation[];
}

/** A core action a dialog asks the controller to start in the background (the dialog closes). */
export interface RunEffect {
  what: string;
  action: (core: Core) => Promise<unknown>;
}

/** What a key did to a dialog: a new state, closing it, a message, or an action to run. Nothing = ignored. */
export type DialogResult<D> = { next: D } | { close: true } | { flash: string } | { run: RunEffect } | { quit: true } | undefined;

/**
 * One dialog: its state type, its key table, a pure reducer (state + command -> result, async only where it must
 * ask the core for a new plan), its text field if it has one, and its view. Registered in dialogs/index.ts.
 */
export interface DialogModule<D extends Dialog = Dialog> {
  kind: D['kind'];
  bindings: (d: D) => readonly Binding[];
  reduce: (d: D, command: CommandId, env: DialogEnv) => DialogResult<D> | Promise<DialogResult<D>>;
  /** The dialog's text field, if it has one now: keys no binding takes edit it. */
  field?: (d: D) => TextField | undefined;
  withField?: (d: D, field: TextField) => D;
  /** The dialog's text body (views draw it in a DialogBox): the arrows and PgUp/PgDn scroll it when it is taller. */
  lines?: (d: D, nowSeconds: number) => string[];
  /** The view it goes back to, cancelled or run (the panes when absent): a dialog opened from a full-screen view returns there. */
  returnTo?: (d: D) => Mode;
  /** What a key that changes ZFS says in a read-only session (READ_ONLY_KEY when absent). */
  readOnlyWhy?: string;
  View: (props: { dialog: D; height: number }) => ReactNode;
}

/** Scrolling a dialog's text: arrows and pages (j/k too when the dialog has no text field). */
export const DIALOG_SCROLL_BINDINGS: readonly Binding[] = [
  { id: 'up', keys: ['up'], description: 'scroll up', footer: false },
  { id: 'down', keys: ['down'], description: 'scroll down', footer: false },
  { id: 'page-up', keys: ['pageup'], description: 'a page up', footer: false },
  { id: 'page-down', keys: ['pagedown'], description: 'a page down', footer: false },
];

/**
 * The zfs-steps view's key: `v`, or Ctrl-V while a typed confirmation takes the letters (a container id may hold a v).
 */
export function stepsBinding(typing: boolean): Binding {
  return { id: 'steps', keys: typing ? ['ctrl-v'] : ['v'], description: 'show / hide the zfs steps' };
}

/** A preview's tail: the zfs steps when shown, else how to show them. */
export function stepsLines(shown: boolean | undefined, table: readonly Binding[], steps: string[]): string[] {
  return shown ? ['', `zfs steps (${key(table, 'steps')} hides them):`, ...steps] : ['', `${key(table, 'steps')}: show the zfs steps`];
}

/** The dialog state with its typed confirmation replaced (the pair of `typedField`). */
export function withTyped<D extends { typed: string; cursor?: number }>(d: D, f: TextField): D {
  return { ...d, typed: f.text, cursor: f.cursor };
}

/** A typed-confirmation field on a dialog state that holds `typed` and `cursor`. */
export function typedField(d: { typed: string; cursor?: number }): TextField {
  const n = [...d.typed].length;
  return { text: d.typed, cursor: Math.max(0, Math.min(n, d.cursor ?? n)) };
}

/** A dialog footer's hint for a command, its key read from the dialog's table: `key(T, 'switch')` -> "Tab". */
export function key(table: readonly Binding[], id: CommandId): string {
  const b = table.find((x) => x.id === id);
  return b ? keyName(b.keys[0]!) : id;
}
