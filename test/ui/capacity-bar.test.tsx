import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import { CapacityBar } from '../../components/CapacityBar.js';
import { LookContext } from '../../components/theme-context.js';
import { ASCII_GLYPHS } from '../../src/present/glyphs.js';
import { capacityLevel } from '../../src/core/ops/pools.js';
import type { Token } from '../../themes/index.js';

/** The colour tokens the bar asks the theme for at `percent`. */
function barTokens(percent: number): Set<Token> {
  const asked = new Set<Token>();
  const theme = { name: 'spy', monochrome: false, color: (t: Token) => (asked.add(t), undefined) };
  const r = render(
    <LookContext.Provider value={{ theme, glyphs: ASCII_GLYPHS, ascii: true }}>
      <CapacityBar percent={percent} />
    </LookContext.Provider>,
  );
  assert.match(r.lastFrame() ?? '', new RegExp(` ${percent}%$`));
  r.unmount();
  return asked;
}

test("the console's capacity bar takes its colour from the core's capacityLevel (the CLI's level)", () => {
  for (const percent of [0, 79, 80, 93, 94, 95, 96, 100]) {
    const tokens = barTokens(percent);
    assert.ok(tokens.has(`bar.${capacityLevel(percent)}`), `${percent}%: ${[...tokens].join(', ')}`);
    for (const other of (['bar.ok', 'bar.warning', 'bar.critical'] as const).filter((t) => t !== `bar.${capacityLevel(percent)}`)) {
      assert.ok(!tokens.has(other), `${percent}% also asked for ${other}`);
    }
  }
});
