// The console's figures: first frame vs bare Ink, keypress to frame on a 10,000-checkpoint tree,
// state-directory change to screen, and peak RSS vs bare Ink.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { render } from 'ink-testing-library';
import { App } from '../src/app/App.js';
import { AppController } from '../src/app/controller.js';
import { createUiStore } from '../src/app/ui-store.js';
import { UNICODE_GLYPHS } from '../src/present/glyphs.js';
import { StateWatcher } from '../src/core/state/watcher.js';
import { loadTheme } from '../themes/index.js';
import { bigDemoCore } from './big-demo.js';
import { PtyProgram } from '../test/support/terminal-bytes.js';
import { Screen } from '../src/app/screen-diff.js';
import { createDemoHost } from '../src/demo/demo-host.js';
import { createContext } from '../src/core/context.js';
import { Core } from '../src/core/core.js';
import type { Runner } from '../src/core/runner/command.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Milliseconds from spawn until `marker` appears on the program's terminal (a pty made by script(1)), read through a
 * screen model: the console writes changed cells only, so its text is on the screen, not in order in the stream.
 */
export function firstFrame(command: string, marker: RegExp, extraEnv: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'C.UTF-8', COLUMNS: '120', LINES: '34', ...extraEnv };
    delete env.CI; // Ink renders only the last frame when CI is set
    const child = spawn('script', ['-qfec', `stty cols 120 rows 34; exec ${command}`, '/dev/null'], { env });
    const screen = new Screen(120, 34);
    const decoder = new TextDecoder();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ${marker} in 20 s`));
    }, 20_000);
    child.stdout.on('data', (d: Buffer) => {
      screen.write(decoder.decode(d, { stream: true }));
      if (marker.test(screen.chars.map((row) => row.join('')).join('\n'))) {
        clearTimeout(timer);
        const ms = performance.now() - started;
        child.kill('SIGTERM');
        resolve(ms);
      }
    });
  });
}

function rss(file: string): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim().split('\n').pop());
}

export async function consoleFigures(): Promise<string[][]> {
  const rows: string[][] = [];
  spawnSync('npm', ['run', 'build'], { stdio: 'ignore' });
  rows.push(...(await firstFrameFigures()));

  const core = bigDemoCore(10_000);
  const controller = new AppController(core, createUiStore(), () => {});
  const r = render(<App controller={controller} look={{ theme: loadTheme('dark'), glyphs: UNICODE_GLYPHS, ascii: false }} host="bench" />);
  await controller.refresh();
  r.stdin.write('\t');
  await controller.idle();
  const presses: number[] = [];
  for (let i = 0; i < 40; i++) {
    const before = r.lastFrame();
    const t = performance.now();
    // The tree opens newest first, the cursor on NOW at the top: j first, so every key moves it.
    r.stdin.write(i % 2 ? 'k' : 'j');
    while (r.lastFrame() === before && performance.now() - t < 1000) await new Promise((res) => setImmediate(res));
    presses.push(performance.now() - t);
  }
  rows.push(['keypress -> new frame, 10,000 checkpoints (median)', `${median(presses).toFixed(1)} ms`, '', '<= 16 ms']);

  const stateDir = core.ctx.config.state_dir;
  mkdirSync(`${stateDir}/runtime`, { recursive: true });
  const watcher = new StateWatcher(stateDir, core.store);
  watcher.start();
  await new Promise((res) => setTimeout(res, 300));
  const changes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    appendFileSync(
      `${stateDir}/runtime/events.log`,
      JSON.stringify({
        ts: new Date().toISOString(),
        user: 'bench',
        host: 'h',
        operation: 'checkpoint',
        target: `probe-${i}`,
        result: 'ok',
        duration_ms: 1,
        pid: 1,
      }) + '\n',
    );
    while (!(r.lastFrame() ?? '').includes(`probe-${i}`) && performance.now() - t < 5000) await new Promise((res) => setTimeout(res, 2));
    changes.push(performance.now() - t);
  }
  await watcher.stop();
  r.unmount();
  rows.push(['state-dir change -> screen (median)', `${median(changes).toFixed(0)} ms`, '', '<= 250 ms']);

  const a = rss('bench/rss-console.tsx');
  const b = rss('bench/rss-ink.tsx');
  rows.push(['peak RSS, 10,000 checkpoints / bare Ink', `${(a / 1024).toFixed(0)} MiB / ${(b / 1024).toFixed(0)} MiB`, (a / b).toFixed(2) + 'x', '<= 1.3x']);
  rows.push(...(await sshFigures(false)));
  return rows;
}

/**
 * The console's first complete frame (the demo's containers and the tree down to NOW) against a bare Ink hello-world,
 * both built, alternating, medians; the console runs React's production build (src/cli/main.ts), so bare Ink with
 * NODE_ENV=production is shown too.
 */
export async function firstFrameFigures(runs = 5): Promise<string[][]> {
  const ink: number[] = [];
  const inkProduction: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < runs; i++) {
    ink.push(await firstFrame('node dist/bench/ink-hello.js', /hello from ink/));
    inkProduction.push(await firstFrame('node dist/bench/ink-hello.js', /hello from ink/, { NODE_ENV: 'production' }));
    ours.push(await firstFrame('node dist/bundle/bin.js --demo', /Containers \(8\)[\s\S]*NOW .*<- you are here/));
  }
  return [
    [
      'console first frame (--demo) / bare Ink',
      `${median(ours).toFixed(0)} ms / ${median(ink).toFixed(0)} ms`,
      (median(ours) / median(ink)).toFixed(2) + 'x',
      '<= 1.3x',
    ],
    ['(context) bare Ink with NODE_ENV=production', `${median(inkProduction).toFixed(0)} ms`, (median(ours) / median(inkProduction)).toFixed(2) + 'x', ''],
  ];
}

/** Mean bytes the program writes for each of `keys`, each after the screen went quiet. */
async function bytesPerKey(p: PtyProgram, keys: string[]): Promise<number> {
  let total = 0;
  for (const k of keys) {
    const before = p.bytes();
    p.type(k);
    await p.settle(300, 3000);
    total += p.bytes() - before;
  }
  return total / keys.length;
}

/**
 * Over SSH: bytes the built console writes to a real 120x35 pty per navigation key and per idle minute, and the
 * processes the core starts per key and per refresh (on the demo host, whose simulator stands in for each process).
 */
export async function sshFigures(build = true): Promise<string[][]> {
  const rows: string[][] = [];
  if (build) spawnSync('npm', ['run', 'build'], { stdio: 'ignore' });
  const p = PtyProgram.start(['node', 'dist/bundle/bin.js', '--demo'], { columns: 120, rows: 35 });
  try {
    await p.waitFor(/Containers \(8\)[\s\S]*NOW .*<- you are here/);
    await p.settle(1000, 10_000);
    const first = p.bytes();
    const containers = await bytesPerKey(
      p,
      Array.from({ length: 10 }, (_, i) => (i % 2 ? 'k' : 'j')),
    );
    await bytesPerKey(p, ['\t']);
    // The tree opens newest first with the cursor on NOW at the top: j first, so every key moves.
    const tree = await bytesPerKey(
      p,
      Array.from({ length: 10 }, (_, i) => (i % 2 ? 'k' : 'j')),
    );
    await p.settle(1000, 10_000);
    const idle = await p.bytesDuring(20_000);
    rows.push(['(context) first frame, 120x35', `${first} B`, '', '']);
    rows.push(['bytes per navigation key, 120x35: containers j/k', `${containers.toFixed(0)} B`, '', '<= 600 B']);
    rows.push(['bytes per navigation key, 120x35: tree j/k', `${tree.toFixed(0)} B`, '', '<= 600 B']);
    rows.push(['bytes per idle minute (20 s measured, x3)', `${idle * 3} B`, '', '0 B']);
  } finally {
    await p.stop();
  }

  // Processes: every command the core runs is one process on a real node; count them on the demo host.
  const host = await createDemoHost();
  let spawned = 0;
  const counting: Runner = { run: (c) => (spawned++, host.runner.run(c)) };
  const core = new Core(createContext(host.config, counting));
  const controller = new AppController(core, createUiStore(), () => {});
  const r = render(<App controller={controller} look={{ theme: loadTheme('dark'), glyphs: UNICODE_GLYPHS, ascii: false }} host="bench" />);
  await controller.refresh();
  await controller.idle();
  let before = spawned;
  for (let i = 0; i < 10; i++) {
    r.stdin.write(i % 2 ? 'k' : 'j');
    await controller.idle();
  }
  r.stdin.write('\t');
  for (let i = 0; i < 10; i++) {
    r.stdin.write(i % 2 ? 'j' : 'k');
    await controller.idle();
  }
  const perKey = (spawned - before) / 20;
  before = spawned;
  for (let i = 0; i < 5; i++) await controller.refresh();
  const perRefresh = (spawned - before) / 5;
  r.unmount();
  const containers = core.store.getState().world?.containers.length ?? 0;
  rows.push(['processes per navigation key (j/k, containers and tree)', perKey.toFixed(1), '', '0']);
  rows.push([`processes per refresh (${containers} containers)`, perRefresh.toFixed(1), '', '1 listing + what containers need']);
  return rows;
}
