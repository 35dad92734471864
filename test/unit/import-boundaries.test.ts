import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

// The boundaries the lint enforces (eslint.config.js), checked on code that breaks them: a rule that silently stopped
// matching would let the core grow a React import again.
const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('the core may not import Ink, React or any face', async () => {
  assert.match((await restricted('src/core/x.ts', "import { Box } from 'ink';\nexport const b = Box;\n")).join(), /React or Ink/);
  assert.match((await restricted('src/core/x.ts', "import { useState } from 'react';\nexport const u = useState;\n")).join(), /React or Ink/);
  assert.match((await restricted('src/core/x.ts', "import { formatBytes } from '../present/units.js';\nexport const f = formatBytes;\n")).join(), /no face/);
  assert.deepEqual(await restricted('src/core/x.ts', "import { createStore } from 'zustand/vanilla';\nexport const c = createStore;\n"), []);
});

test('the console and components may not import the CLI; they share src/present', async () => {
  assert.match((await restricted('src/app/x.ts', "import { x } from '../cli/commands/restore.js';\nexport const y = x;\n")).join(), /src\/present/);
  assert.match((await restricted('components/X.tsx', "import { x } from '../src/cli/main.js';\nexport const y = x;\n")).join(), /src\/present/);
  assert.deepEqual(await restricted('src/app/x.ts', "import { formatBytes } from '../present/units.js';\nexport const f = formatBytes;\n"), []);
});
