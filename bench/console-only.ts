// npx tsx bench/console-only: the console's over-SSH figures alone (no root, no zfs-fuse): bytes the built program
// writes per key and per idle minute on a real pty, processes per key and per refresh. `--all`: every console figure;
// `--first-frame`: with the first-frame figures.
import { consoleFigures, firstFrameFigures, sshFigures } from './console.js';

// `--first-frame`: the first-frame figures too (built console vs bare Ink; no root needed either).
const rows = process.argv.includes('--all') ? await consoleFigures() : await sshFigures(!process.argv.includes('--no-build'));
if (process.argv.includes('--first-frame') && !process.argv.includes('--all')) rows.unshift(...(await firstFrameFigures()));
const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['figure', 'measured', 'ratio', 'goal'][i]!.length));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(`\nlxcri-console console figures (${new Date().toISOString()})`);
console.log(line(['figure', 'measured', 'ratio', 'goal']));
for (const r of rows) console.log(line(r));
process.exit(0);
