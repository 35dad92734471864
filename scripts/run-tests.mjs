// The test command: prepares the real host (zfs-fuse, LXC, CRIU) with the setup script, then runs every test file
// under test/ with Node's test runner. Tests that need the real host fail (never skip) when it is missing.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return /\.test\.tsx?$/.test(name) ? [path] : [];
    })
    .sort();
}

const only = process.argv.slice(2);
const files = only.length ? only.flatMap((p) => (statSync(p).isDirectory() ? testFiles(p) : [p])) : testFiles('test');

const setup = spawnSync('bash', ['scripts/setup-host.sh'], { stdio: 'inherit' });
if (setup.status !== 0) {
  console.error('run-tests: scripts/setup-host.sh failed; the real-host tests cannot run');
  process.exit(1);
}

// --test-force-exit: chokidar 5 can leave an fs.watch handle open after close() when a watched directory was
// deleted under it (the watcher test does that on purpose); without it that test file would never end.
// FORCE_COLOR: Ink colours only a TTY; the console tests check colours (and their absence with NO_COLOR).
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-force-exit', ...files], {
  stdio: 'inherit',
  env: { ...process.env, FORCE_COLOR: '1' },
});
process.exit(run.status ?? 1);
