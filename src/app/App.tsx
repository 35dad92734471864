import { Box, useStdin, useStdout } from 'ink';
import { createElement, useCallback, useEffect } from 'react';
import { KeyLegend } from '../../components/KeyLegend.js';
import { LookContext, useLook, type Look } from '../../components/theme-context.js';
import { AppContext, useApp } from './app-context.js';
import { MIN_COLUMNS, MIN_ROWS, screenLayout } from './layout.js';
import { CommandLogView } from './views/CommandLogView.js';
import { MessagesView } from './views/MessagesView.js';
import { footerFor } from './footer.js';
import { useShallow } from 'zustand/react/shallow';
import type { AppController } from './controller.js';
import { ContainersPane } from './views/ContainersPane.js';
import { DetailsPane } from './views/DetailsPane.js';
import { DialogView } from './views/DialogView.js';
import { EventsPane } from './views/EventsPane.js';
import { Header, ProgressLine } from './views/Header.js';
import { HelpOverlay } from './views/HelpOverlay.js';
import { useUi } from './views/hooks.js';
import { SpaceView } from './views/SpaceView.js';
import { DiffView } from './views/DiffView.js';
import { FilesView } from './views/FilesView.js';
import { TextDiffView } from './views/TextDiffView.js';
import { TreePane } from './views/TreePane.js';
import { Text } from '../../components/Text.js';

export { MIN_COLUMNS, MIN_ROWS };

/**
 * The terminal size, following resizes, kept in the UI store (the controller's page sizes derive from it); 80x24
 * when unknown (ink-testing-library has no rows).
 */
function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const ui = useApp().ui;
  useEffect(() => {
    const onResize = () => ui.setState({ size: { columns: stdout.columns || 80, rows: stdout.rows || 24 } });
    onResize();
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout, ui]);
  return useUi((s) => s.size);
}

/** The flash line: a message's first line, and where to read the rest when it does not fit. */
function flashLine(text: string, width: number): string {
  const first = text.split('\n')[0]!;
  const more = '  [! full text]';
  return first.length === text.length && first.length <= width ? first : `${first.slice(0, Math.max(0, width - more.length))}${more}`;
}

function Screen({ host }: { host: string }) {
  const { columns, rows } = useTerminalSize();
  const mode = useUi((s) => s.mode);
  const { theme, ascii } = useLook();
  // The footer for the mode on screen; shallow-compared, so a refresh that changes nothing re-renders nothing here.
  const footer = useUi(useShallow((s) => footerFor(s, Math.max(0, s.size.columns - 2), ascii)));
  const flash = useUi((s) => s.flash);
  // The focus decides the panes' widths on a narrow screen (layout.ts): the controller pages by the same layout.
  const focus = useUi((s) => s.focus);
  if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
    return <Text>{`terminal too small (${columns}x${rows}): needs ${MIN_COLUMNS}x${MIN_ROWS}; q quits`}</Text>;
  }
  const { height, body, width, top, bottom } = screenLayout(columns, rows, focus);
  const overlay =
    mode === 'pool'
      ? SpaceView
      : mode === 'help'
        ? HelpOverlay
        : mode === 'messages'
          ? MessagesView
          : mode === 'commands'
            ? CommandLogView
            : mode === 'diff'
              ? DiffView
              : mode === 'text-diff'
                ? TextDiffView
                : mode === 'files'
                  ? FilesView
                  : undefined;
  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Header host={host} />
      {overlay ? (
        <Box height={body}>{createElement(overlay, { height: body })}</Box>
      ) : mode === 'dialog' ? (
        // Dialogs take the body: Ink does not clear what an absolutely placed box covers.
        <Box height={body} flexDirection="column">
          <DialogView height={body} />
        </Box>
      ) : (
        <Box flexDirection="column" height={body}>
          <Box height={top}>
            <ContainersPane width={width.containers} height={top} />
            <TreePane width={width.tree} height={top} />
          </Box>
          <Box height={bottom}>
            <DetailsPane width={width.details} height={bottom} />
            <EventsPane width={width.events} height={bottom} />
          </Box>
        </Box>
      )}
      <ProgressLine>
        <Text wrap="truncate" color={flash?.level === 'error' ? theme.color('status.error') : undefined}>
          {flash ? flashLine(flash.text, columns) : ' '}
        </Text>
      </ProgressLine>
      <KeyLegend items={footer} />
    </Box>
  );
}

/**
 * Every read from the terminal, whole, to `onRead`. Not `useInput`: it hands a run of characters ("jjj") over as one
 * input and an Esc followed by a key as Alt-key, so keys were lost. Ink 6 emits each read on the stdin context's
 * event emitter (what `useInput` itself listens to), already cut where an escape sequence begins or ends and with a
 * trailing lone Esc held until the next tick, so a sequence split across reads arrives whole; keys.ts does the rest.
 */
function useReads(onRead: (chunk: string) => void): void {
  const { setRawMode, internal_eventEmitter: reads } = useStdin();
  useEffect(() => {
    setRawMode(true);
    return () => setRawMode(false);
  }, [setRawMode]);
  useEffect(() => {
    const listener = (chunk: string | Buffer) => onRead(String(chunk));
    reads.on('input', listener);
    return () => void reads.off('input', listener);
  }, [reads, onRead]);
}

/** The root: one input dispatcher for every key, routed by the controller. */
export function App({ controller, look, host }: { controller: AppController; look: Look; host: string }) {
  useReads(useCallback((chunk: string) => void controller.input(chunk), [controller]));
  return (
    <AppContext.Provider value={controller}>
      <LookContext.Provider value={look}>
        <Screen host={host} />
      </LookContext.Provider>
    </AppContext.Provider>
  );
}
