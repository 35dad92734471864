import { Box, useStdin, useStdout } from 'ink';
import { useCallback, useEffect, useState } from 'react';
import { KeyLegend } from '../../components/KeyLegend.js';
import { LookContext, useLook, type Look } from '../../components/theme-context.js';
import { AppContext } from './app-context.js';
import { footerItems } from './bindings.js';
import type { AppController } from './controller.js';
import { ContainersPane } from './views/ContainersPane.js';
import { DetailsPane } from './views/DetailsPane.js';
import { DialogView } from './views/DialogView.js';
import { EventsPane } from './views/EventsPane.js';
import { Header, ProgressLine } from './views/Header.js';
import { HelpOverlay } from './views/HelpOverlay.js';
import { useUi } from './views/hooks.js';
import { PoolView } from './views/PoolView.js';
import { TreePane } from './views/TreePane.js';
import { Text } from '../../components/Text.js';

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

/** The terminal size, following resizes; 80x24 when unknown (ink-testing-library has no rows). */
function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);
  return size;
}

function Screen({ host }: { host: string }) {
  const { columns, rows } = useTerminalSize();
  const mode = useUi((s) => s.mode);
  const focus = useUi((s) => s.focus);
  const readOnly = useUi((s) => s.readOnly);
  const flash = useUi((s) => s.flash);
  const { theme } = useLook();
  if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
    return <Text>{`terminal too small (${columns}x${rows}): needs ${MIN_COLUMNS}x${MIN_ROWS}; q quits`}</Text>;
  }
  // One row below the terminal height: a frame as tall as the terminal makes Ink repaint everything (flicker over SSH).
  const height = rows - 1;
  const body = height - 3;
  const left = Math.max(44, Math.floor(columns * 0.38));
  const right = columns - left;
  const top = Math.max(8, Math.floor(body * 0.62));
  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Header host={host} />
      {mode === 'pool' ? (
        <Box height={body}>
          <PoolView height={body} />
        </Box>
      ) : mode === 'help' ? (
        <Box height={body}>
          <HelpOverlay height={body} />
        </Box>
      ) : mode === 'dialog' ? (
        // Dialogs take the body: Ink does not clear what an absolutely placed box covers.
        <Box height={body} flexDirection="column">
          <DialogView height={body} />
        </Box>
      ) : (
        <Box flexDirection="column" height={body}>
          <Box height={top}>
            <ContainersPane width={left} height={top} />
            <TreePane width={right} height={top} />
          </Box>
          <Box height={body - top}>
            <DetailsPane width={left} height={body - top} />
            <EventsPane width={right} height={body - top} />
          </Box>
        </Box>
      )}
      <ProgressLine>
        <Text wrap="truncate" color={flash?.level === 'error' ? theme.color('status.error') : undefined}>
          {flash ? flash.text : ' '}
        </Text>
      </ProgressLine>
      <KeyLegend items={footerItems(focus, readOnly, columns - 2)} />
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
