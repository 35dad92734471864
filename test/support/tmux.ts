import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shot } from './screenshots.js';

/** The text of a capture with escapes (`capture-pane -e`): escapes removed, trailing blanks cut as `capture-pane -p` does. */
export const plainScreen = (ansi: string) =>
  ansi
    .replace(/\x1b\[[0-9;:?]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]/g, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');

/** A real terminal: the program runs in a detached tmux session we type into and read the screen of. */
export class TmuxSession {
  constructor(readonly name: string) {}

  static start(name: string, command: string, cols = 100, rows = 30, env: Record<string, string> = {}): TmuxSession {
    spawnSync('tmux', ['kill-session', '-t', name]);
    const exports = Object.entries({ LANG: 'C.UTF-8', TERM: 'xterm-256color', ...env })
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ');
    // -u CI: Ink draws nothing but the last frame when CI is set (is-in-ci), and an admin's terminal never has it.
    execFileSync('tmux', [
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(cols),
      '-y',
      String(rows),
      `env -u CI ${exports} ${command}; echo EXITED $?; sleep 30`,
    ]);
    return new TmuxSession(name);
  }

  /** Keys as tmux key names, one send each with a pause (for steps that wait on the screen); `send-keys -l` tests send many at once. */
  keys(...keys: string[]): void {
    for (const k of keys) {
      execFileSync('tmux', ['send-keys', '-t', this.name, k]);
      execFileSync('sleep', ['0.15']);
    }
  }

  text(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
  }

  /** The screen with its colours: SGR escapes as tmux keeps them (each line continues in the style the last ended in). */
  screenAnsi(): string {
    return execFileSync('tmux', ['capture-pane', '-e', '-p', '-t', this.name], { encoding: 'utf8' });
  }

  /**
   * Waits for `pattern` like waitFor and returns the screen; with LXCRI_SCREENSHOTS=<dir> saves it there as `name.txt`
   * and, in colour, `name.ans` (one capture, so both are the same screen; scripts/screenshots.sh draws the PNG).
   */
  async shot(name: string, pattern: RegExp, ms = 15_000): Promise<string> {
    const until = Date.now() + ms;
    let last = '';
    while (Date.now() < until) {
      const ansi = this.screenAnsi();
      last = plainScreen(ansi);
      if (pattern.test(last)) {
        shot(name, last);
        const dir = process.env.LXCRI_SCREENSHOTS;
        if (dir) writeFileSync(join(dir, `${name}.ans`), ansi);
        return last;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`screen never showed ${pattern}:\n${last}`);
  }

  /** Polls the screen until `pattern` shows (or fails after `ms` with the last screen in the message). */
  async waitFor(pattern: RegExp, ms = 15_000): Promise<string> {
    const until = Date.now() + ms;
    let last = '';
    while (Date.now() < until) {
      last = this.screen();
      if (pattern.test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`screen never showed ${pattern}:\n${last}`);
  }

  pid(): number {
    return Number(execFileSync('tmux', ['display-message', '-p', '-t', this.name, '#{pane_pid}'], { encoding: 'utf8' }).trim());
  }

  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name]);
  }
}
