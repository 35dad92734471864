import assert from 'node:assert/strict';
import { test } from 'node:test';
import { footerItems } from '../../src/app/bindings.js';

test('a narrow footer cuts the middle, never `? help` and `q quit`, which come last', () => {
  for (const width of [30, 60, 78, 200]) {
    const items = footerItems('tree', false, width);
    assert.deepEqual(items.slice(-2), ['? help', 'q quit'], `width ${width}: ${items.join(' | ')}`);
    assert.ok(items.reduce((n, i) => n + i.length + 2, 0) <= width + 2, `width ${width} fits`);
  }
  assert.ok(footerItems('tree', false, 200).length > footerItems('tree', false, 60).length);
});

test('`pool` with no pools says so instead of printing nothing', async () => {
  const { poolCommand } = await import('../../src/cli/commands/pool.js');
  const out: string[] = [];
  const env = { core: { pools: async () => [] }, json: false, out: (s: string) => out.push(s) } as unknown as Parameters<typeof poolCommand.run>[0];
  await poolCommand.run(env, [], {});
  assert.match(out.join('\n'), /^no ZFS pools found/);
});
