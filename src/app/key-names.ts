/**
 * The one map from key names (keys.ts) to what the help overlay, the footer, the dialogs and the README show: every
 * place that names a key for a person reads it here.
 */
const SHOWN: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  return: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  'shift-tab': 'Shift-Tab',
  backspace: 'Backspace',
  delete: 'Delete',
  home: 'Home',
  end: 'End',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  ' ': 'Space',
};

const ASCII_SHOWN: Record<string, string> = { up: 'Up', down: 'Down', left: 'Left', right: 'Right' };

/** 'ctrl-d' -> 'Ctrl-D', 'return' -> 'Enter', 'up' -> '↑' ('Up' in ASCII mode), 'j' -> 'j'. */
export function keyName(key: string, ascii = false): string {
  if (ascii && ASCII_SHOWN[key]) return ASCII_SHOWN[key];
  if (SHOWN[key]) return SHOWN[key];
  const ctrl = /^ctrl-(.+)$/.exec(key);
  if (ctrl) return `Ctrl-${ctrl[1]!.length === 1 ? ctrl[1]!.toUpperCase() : keyName(ctrl[1]!, ascii)}`;
  return key;
}

/** A binding's keys as shown: 'j/↓'. */
export function keysLabel(keys: readonly string[], ascii = false): string {
  return keys.map((k) => keyName(k, ascii)).join('/');
}
