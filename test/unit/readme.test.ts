import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { GLOBAL_BINDINGS, NORMAL_BINDINGS } from '../../src/app/bindings.js';
import { keyName } from '../../src/app/key-names.js';
import { TEXT_FIELD_BINDINGS } from '../../src/app/text-field.js';
import { COMMANDS } from '../../src/cli/commands/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('the README lists every key binding, every CLI command and the test command CI runs', () => {
  const keys = readme.slice(readme.indexOf('| key | action |'), readme.indexOf('Live:'));
  for (const b of [...NORMAL_BINDINGS, ...GLOBAL_BINDINGS, ...TEXT_FIELD_BINDINGS]) {
    const shown = b.keys.map((k) => keyName(k));
    assert.ok(
      shown.some((k) => keys.includes(`\`${k}\``)),
      `README keys table lacks ${b.id} (${shown.join(', ')})`,
    );
  }
  for (const c of COMMANDS) assert.match(readme, new RegExp(`lxcri-console ${c.name}\\b`), c.name);
  assert.match(readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8'), /^npm test$/m);
  assert.match(readme, /^npm test$/m);
});
