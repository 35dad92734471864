// Peak RSS of the console holding a 10,000-checkpoint tree (printed in KiB); compare with rss-ink.tsx.
import { render } from 'ink-testing-library';
import { App } from '../src/app/App.js';
import { AppController } from '../src/app/controller.js';
import { createUiStore } from '../src/app/ui-store.js';
import { UNICODE_GLYPHS } from '../src/present/glyphs.js';
import { loadTheme } from '../themes/index.js';
import { bigDemoCore } from './big-demo.js';

const core = bigDemoCore(10_000);
const controller = new AppController(core, createUiStore(), () => {});
const r = render(<App controller={controller} look={{ theme: loadTheme('dark'), glyphs: UNICODE_GLYPHS, ascii: false }} host="bench" />);
await controller.refresh();
for (let i = 0; i < 20; i++) {
  r.stdin.write('k');
  await controller.idle();
}
await new Promise((res) => setTimeout(res, 50));
// The tree's header and a checkpoint row (its age and size): generated names are not shown, dates and sizes are.
if (!/AGE +USED[\s\S]*\d+[smhd] +[\d.]+[KMGT]?\b/.test(r.lastFrame() ?? '')) throw new Error('the tree never rendered');
console.log(process.resourceUsage().maxRSS);
process.exit(0);
