import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LxcriError, UsageError } from '../core/errors.js';
import type { Identity } from '../core/context.js';
import type { Core } from '../core/core.js';
import type { Runner } from '../core/runner/command.js';
import { targetsOf, type CliEnv, type CommandSpec } from './command-spec.js';
import { safeJsonText, safeLines, safeText } from '../present/safe-text.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import { THEME_NAMES } from '../../themes/index.js';

// Only what every start needs is imported here: the rest (the core, the commands, execa, pino, Ink) loads when the
// command or the console asks for it, so the console's first frame waits for no module it does not draw with.
const loadCommands = async () => (await import('./commands/index.js')).COMMANDS;

/** package.json sits two levels up from src/cli, three from dist/src/cli. */
function version(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'lxcri-console') return pkg.version ?? 'unknown';
    } catch {
      // not here
    }
  }
  return 'unknown';
}

/**
 * Parses argv, runs one command, returns the exit code. Output goes through `out`/`err` so tests can call it, and
 * this is where it is made safe for a terminal: names and labels come from ZFS, files and argv, and may hold control
 * characters. JSON keeps the raw values, escaped (DEL and C1 too).
 */
export async function main(argv: string[], terminal = { out: (s: string) => console.log(s), err: (s: string) => console.error(s) }): Promise<number> {
  const name = firstPositional(argv);
  const COMMANDS: readonly CommandSpec[] = name ? await loadCommands() : [];
  const spec = COMMANDS.find((c) => c.name === name);
  let json = argv.includes('--json');
  let debug = argv.includes('--debug');
  const io = { out: (s: string) => terminal.out(json ? safeJsonText(s) : safeLines(s)), err: (s: string) => terminal.err(safeLines(s)) };
  try {
    if (name && !spec) throw new UsageError(`unknown command '${name}'`, `commands: ${COMMANDS.map((c) => c.name).join(', ')} (lxcri-console --help)`);
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...(spec?.options ?? {}) },
      allowPositionals: true,
      strict: true,
    });
    json = Boolean(values.json);
    debug = Boolean(values.debug);
    if (values.version) {
      io.out(version());
      return 0;
    }
    if (values.help) {
      const { commandHelp, mainHelp } = await import('./help.js');
      io.out(spec ? commandHelp(spec) : mainHelp(await loadCommands()));
      return 0;
    }
    const requestedTheme = values.theme as string | undefined;
    if (requestedTheme !== undefined && !(THEME_NAMES as readonly string[]).includes(requestedTheme)) {
      throw new UsageError(`unknown theme '${requestedTheme}'`, `--theme takes one of ${THEME_NAMES.join(', ')}`);
    }
    // The demo seeds its history on a worker thread while this one loads the console's modules (Ink, React), which
    // take as long: both start now. LXCRI_DEMO_DIR puts the demo's files (state dir, configs) where another process
    // can reach them (the e2e tests).
    const demoDir = process.env.LXCRI_DEMO_DIR;
    const seed = values.demo ? import('../demo/seed-worker.js').then((m) => m.seedInWorker(demoDir)) : undefined;
    seed?.catch(() => undefined);
    // Ink draws only the final frame when CI is set (is-in-ci, read when Ink loads); an interactive console on a
    // terminal must draw live whatever the environment inherited.
    if (!spec && process.stdout.isTTY) delete process.env.CI;
    const consoleModule = spec ? undefined : import('../app/run.js');
    consoleModule?.catch(() => undefined);
    const [{ loadConfig }, { connectCluster }] = await Promise.all([import('../core/config.js'), import('../core/nodes/connect.js')]);
    let { config } = await loadConfig(values.config as string | undefined);
    let runner: Runner;
    let demoIdentity: Identity | undefined;
    let demoHost: import('../demo/demo-host.js').DemoHost | undefined;
    if (values['demo-cluster'] && !values.demo) throw new UsageError('--demo-cluster goes with --demo', 'run lxcri-console --demo --demo-cluster');
    if (values.demo) {
      const { createDemoHost, hostFromSeed } = await import('../demo/demo-host.js');
      // Other tools (tar, for stateful checkpoints) run for real; execa loads when one first does.
      let execa: Promise<Runner> | undefined;
      const fallback: Runner = { run: async (c) => (await (execa ??= import('../core/runner/execa-runner.js').then((m) => new m.ExecaRunner()))).run(c) };
      // Where a worker thread cannot seed, this thread does.
      const demo = await seed!.then(
        (s) => hostFromSeed(s, fallback),
        () => createDemoHost({ fallback, ...(demoDir ? { dir: demoDir } : {}) }),
      );
      demoHost = demo;
      config = demo.config;
      runner = demo.runner;
      demoIdentity = demo.identity;
    } else {
      const [{ createFileLogger }, { ExecaRunner }] = await Promise.all([import('../core/log.js'), import('../core/runner/execa-runner.js')]);
      const { logger } = createFileLogger(config.log.file, debug ? 'debug' : config.log.level);
      runner = new ExecaRunner({ defaultTimeoutMs: config.runner.timeout_seconds * 1000, logger });
    }
    // Read-only is the core's: whatever face asks, a change is refused before anything runs.
    // On the demo node, events and checkpoints say they were made on pve-demo, never on this machine.
    const overrides = { readOnly: Boolean(values['read-only']), ...(demoIdentity ? { identity: demoIdentity } : {}) };
    const node = values.node as string | undefined;
    if (node !== undefined) (await import('../core/nodes/node-spec.js')).validateNodeName(node);
    // `--node` keeps only that node, but for a command that reaches the others (it then runs there, see route.ts).
    const crossNode = typeof spec?.crossNode === 'function' ? spec.crossNode(values) : Boolean(spec?.crossNode);
    const only = crossNode ? undefined : node;
    // The demo cluster picks its nodes itself (below): this machine's config knows nothing of pve2 or pve3.
    const demoCluster = Boolean(demoHost && values['demo-cluster']);
    let cluster = await connectCluster(config, { runner, overrides, ...(only !== undefined && !demoCluster ? { only } : {}) });
    if (demoHost && demoCluster) {
      cluster = await (await import('../demo/demo-cluster.js')).createDemoCluster(demoHost, cluster.nodes[0]!.core, demoIdentity!, only);
    }
    const core = cluster.nodes[0]!.core;
    if (!spec) {
      if (!process.stdout.isTTY) throw new UsageError('the console needs a terminal', 'run it in a terminal, or use a command (lxcri-console --help)');
      const { runConsole } = await consoleModule!;
      const theme = values.theme as string | undefined;
      const consoleCore = cluster.single ? core : new (await import('../core/nodes/cluster-core.js')).ClusterCore(cluster);
      return await runConsole(consoleCore, {
        readOnly: Boolean(values['read-only']),
        ascii: Boolean(values.ascii),
        ...(theme ? { theme } : {}),
        ...(values.demo ? { host: values['demo-cluster'] ? 'demo cluster (simulated)' : 'pve-demo (simulated)' } : {}),
      });
    }
    const [{ pickGlyphs }, { terminalConfirm }] = await Promise.all([import('../present/glyphs.js'), import('./confirm.js')]);
    const routed = await (await import('./route.js')).routeCommand(cluster, spec, positionals.slice(1), node);
    // What a long operation is doing (a send's bytes, rate and time left) on stderr: live on a terminal, as lines with
    // --progress elsewhere; never with --json on a terminal's stdout only.
    const live = Boolean(process.stderr.isTTY) && !json;
    const progress =
      live || values.progress
        ? (await import('./progress.js')).showProgress(
            cluster.nodes.map((n) => n.core.store),
            { write: (s) => process.stderr.write(s), ...(process.stderr.columns ? { columns: process.stderr.columns } : {}) },
            { live },
          )
        : undefined;
    const out = (s: string) => {
      progress?.clear();
      io.out(s);
    };
    const warn = (s: string) => {
      progress?.clear();
      io.err(s);
    };
    const env: CliEnv = {
      core: routed.core,
      cluster,
      json,
      yes: Boolean(values.yes),
      glyphs: pickGlyphs(Boolean(values.ascii)),
      out,
      warn,
      confirm: terminalConfirm,
      nowSeconds: () => Math.floor(Date.now() / 1000),
      width: process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 80,
      color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
      outPainted: terminal.out,
    };
    // A command reading every node warns of each node's interrupted operations itself (src/cli/cluster-read.ts).
    if (spec.name !== 'recover' && (targetsOf(spec, positionals.slice(1)) !== 'cluster' || cluster.single)) {
      await warnInterrupted(routed.core, io.err, cluster.single ? undefined : cluster.nodes.find((n) => n.core === routed.core)?.spec.name);
    }
    let code: void | number;
    try {
      code = await spec.run(env, routed.positionals, values);
    } finally {
      progress?.stop();
    }
    for (const s of routed.core.staleLocks) io.err(safeText(`warning: took over the stale lock of ${s.operation} on ${s.container} (pid ${s.pid} is gone)`));
    return code ?? 0;
  } catch (error) {
    return reportError(error, { json, debug, ...io });
  }
}

/** An operation a crash or kill left half-done is reported on every start until it is finished or undone. */
async function warnInterrupted(core: Core, err: (s: string) => void, node?: string): Promise<void> {
  const entries = await core.interrupted().catch(() => []);
  if (!entries.length) return;
  const { interruptedWarning } = await import('./cluster-read.js');
  for (const e of entries) err(interruptedWarning(e, node));
}

/** The command name: the first positional once the global options (and their values) are set aside. */
function firstPositional(argv: string[]): string | undefined {
  const { tokens } = parseArgs({ args: argv, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const token = tokens.find((t) => t.kind === 'positional');
  return token?.kind === 'positional' ? token.value : undefined;
}

function reportError(error: unknown, o: { json: boolean; debug: boolean; out: (s: string) => void; err: (s: string) => void }): number {
  let e: LxcriError;
  if (error instanceof LxcriError) e = error;
  else if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    e = new UsageError(error.message.split('\n')[0]!, 'see lxcri-console --help');
  } else {
    e = new LxcriError('internal', `internal error: ${(error as Error)?.message ?? String(error)}`, 'please report this with the output of --debug');
  }
  if (o.json) o.out(JSON.stringify({ error: { code: e.code, message: e.message, hint: e.hint } }, null, 2));
  // One line each, whatever the message echoes (an id typed with a newline, a name read from ZFS).
  o.err(`error: ${safeText(e.message)}`);
  o.err(`hint: ${safeText(e.hint)}`);
  if (o.debug && error instanceof Error && error.stack) o.err(error.stack);
  return e.exitCode;
}
