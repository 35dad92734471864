import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helpSections } from '../../src/app/help.js';
import { plain, renderConsole } from '../support/ui.js';

test('PgDn through a scrolled view shows every row: a page moves by the rows shown, not over the ones the hints took', async () => {
  const c = await renderConsole({ size: { columns: 80, rows: 24 } });
  await c.command('help');
  const seen = new Set<string>();
  let frame = '';
  for (let i = 0; i < 40 && (i === 0 || /↓ \d+ more/.test(frame)); i++) {
    if (i) await c.command('page-down');
    frame = plain(c.frame());
    for (const line of frame.split('\n')) seen.add(line);
  }
  const shown = [...seen].join('\n');
  const missing = helpSections(false)
    .flatMap((s) => [s.title, ...s.rows.map((r) => r.description.slice(0, 24))])
    .filter((text) => !shown.includes(text));
  assert.deepEqual(missing, [], 'rows never shown while paging down');

  // And back up: PgUp from the end reaches the top without skipping either.
  const up = new Set<string>(frame.split('\n'));
  for (let i = 0; i < 40 && /↑ \d+ more/.test(frame); i++) {
    await c.command('page-up');
    frame = plain(c.frame());
    for (const line of frame.split('\n')) up.add(line);
  }
  const upShown = [...up].join('\n');
  const missingUp = helpSections(false)
    .flatMap((s) => [s.title, ...s.rows.map((r) => r.description.slice(0, 24))])
    .filter((text) => !upShown.includes(text));
  assert.deepEqual(missingUp, [], 'rows never shown while paging up');
  c.unmount();
});
