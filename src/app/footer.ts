import { DIFF_BINDINGS, FIELD_MODE_BINDINGS, FILES_BINDINGS, footerItems, SPACE_BINDINGS, type Binding } from './bindings.js';
import { keysLabel } from './key-names.js';
import type { UiState } from './ui-store.js';

const item = (b: Binding, word: string, ascii: boolean) => `${keysLabel(b.keys.slice(0, 2), ascii)} ${word}`;

/**
 * The footer for what is on screen: the focused pane's keys; in a text field, how to keep or drop it; in a full-screen
 * view, how to scroll and close it; in a dialog (whose own last line names its keys), how to scroll it.
 */
export function footerFor(ui: UiState, width: number, ascii: boolean): string[] {
  switch (ui.mode) {
    case 'normal':
      return footerItems(ui.focus, ui.readOnly, width, ascii);
    case 'filter':
    case 'search':
      return [...FIELD_MODE_BINDINGS.map((b) => item(b, b.id === 'confirm' ? 'keep' : 'drop', ascii)), 'Ctrl-W word', 'Ctrl-U line'];
    case 'pool':
      return [
        `${keysLabel(['j', 'k'], ascii)} move`,
        ...SPACE_BINDINGS.filter((b) => b.footer !== undefined && b.footer !== false).map((b) => item(b, b.footer as string, ascii)),
        ...SPACE_BINDINGS.filter((b) => b.id === 'sort' || b.id === 'close').map((b) => item(b, b.id, ascii)),
      ];
    case 'diff':
    case 'files':
      return [
        `${keysLabel(['j', 'k'], ascii)} move`,
        ...(ui.mode === 'diff' ? DIFF_BINDINGS : FILES_BINDINGS).filter((b) => typeof b.footer === 'string').map((b) => item(b, b.footer as string, ascii)),
        `${keysLabel(['pageup', 'pagedown'], ascii)} page`,
        'Esc close',
      ];
    case 'text-diff':
      return [`${keysLabel(['j', 'k'], ascii)} scroll`, `${keysLabel(['g', 'G'], ascii)} ends`, `${keysLabel(['pageup', 'pagedown'], ascii)} page`, 'Esc back'];
    case 'dialog':
      return [`${keysLabel(['up', 'down', 'pageup', 'pagedown'], ascii)} scroll`, 'Ctrl-C quit'];
    default:
      return [
        `${keysLabel(['j', 'k'], ascii)} scroll`,
        `${keysLabel(['g', 'G'], ascii)} ends`,
        `${keysLabel(['pageup', 'pagedown'], ascii)} page`,
        'Esc close',
      ];
  }
}
