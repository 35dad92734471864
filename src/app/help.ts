import {
  DIFF_BINDINGS,
  FILES_BINDINGS,
  TEXT_DIFF_BINDINGS,
  GLOBAL_BINDINGS,
  NAV_BINDINGS,
  NORMAL_BINDINGS,
  SPACE_BINDINGS,
  activeBindings,
  type Binding,
} from './bindings.js';
import { keysLabel } from './key-names.js';
import { TEXT_FIELD_BINDINGS } from './text-field.js';

export interface HelpRow {
  keys: string;
  description: string;
  dangerous: boolean;
}

export interface HelpSection {
  title: string;
  rows: HelpRow[];
}

/** A key's row; a key that means another command in another pane says where this one applies. */
const row = (b: Binding, ascii: boolean, shared = false): HelpRow => ({
  keys: keysLabel(b.keys, ascii),
  description: shared && b.panes ? `${b.description} (${b.panes.join(', ')} pane${b.panes.length > 1 ? 's' : ''})` : b.description,
  dangerous: changes(b),
});
const changes = (b: Binding) => b.dangerous === true;

/** The help overlay's content, from the bindings tables: what every key does in this session. */
export function helpSections(readOnly: boolean, ascii = false): HelpSection[] {
  const nav = new Set(NAV_BINDINGS.map((b) => b.id));
  const active = activeBindings(readOnly, NORMAL_BINDINGS);
  return [
    { title: 'Move (every list and view)', rows: NAV_BINDINGS.map((b) => row(b, ascii)) },
    {
      title: 'Keys',
      rows: [...active.filter((b) => !nav.has(b.id)), ...GLOBAL_BINDINGS].map((b) =>
        row(
          b,
          ascii,
          active.some((o) => o !== b && o.keys.some((k) => b.keys.includes(k))),
        ),
      ),
    },
    { title: 'Space view (P)', rows: SPACE_BINDINGS.filter((b) => !nav.has(b.id)).map((b) => row(b, ascii)) },
    { title: 'Diff view (=)', rows: DIFF_BINDINGS.filter((b) => !nav.has(b.id)).map((b) => row(b, ascii)) },
    { title: "A file's text diff (Enter on a file in the diff view)", rows: TEXT_DIFF_BINDINGS.filter((b) => !nav.has(b.id)).map((b) => row(b, ascii)) },
    { title: 'File browser (f)', rows: FILES_BINDINGS.filter((b) => !nav.has(b.id)).map((b) => row(b, ascii)) },
    {
      title: 'Text fields (filter, search, label, typed confirmations)',
      rows: TEXT_FIELD_BINDINGS.map((b) => ({ keys: keysLabel(b.keys, ascii), description: b.description, dangerous: false })),
    },
  ];
}

/** Lines the help overlay takes (titles and rows), for its scroll. */
export function helpLength(readOnly: boolean): number {
  return helpSections(readOnly).reduce((n, s) => n + 1 + s.rows.length, 0);
}
