// Draws a captured terminal screen (text) as a PNG with ImageMagick: one label per line, stacked.
// Usage: node scripts/render-screenshot.mjs screen.txt screen.png
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
const lines = readFileSync(input, 'utf8').replace(/\n+$/, '').split('\n');
const args = ['-background', '#1d1f21', '-fill', '#c5c8c6', '-font', 'DejaVu-Sans-Mono', '-pointsize', '14'];
// '%' is a label escape; ImageMagick refuses a blank label, so a blank line is a blank strip of the same height.
for (const line of lines) {
  if (line.trim()) args.push(`label:${line.replace(/%/g, '%%').replace(/\\/g, '\\\\')}`);
  else args.push('-size', '8x17', 'xc:#1d1f21', '+size');
}
args.push('-gravity', 'West', '-append', '-bordercolor', '#1d1f21', '-border', '12', output);
execFileSync('/usr/bin/convert', args, { stdio: 'inherit' });
