// Lint: ESLint's and typescript-eslint's recommended rules (syntax-level, no type information, so it stays fast),
// plus the project's own: no console output from the core (pino logs to a file), no shell strings.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'screenshots/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        NodeJS: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Terminal escapes are what the sanitizer matches on purpose.
      'no-control-regex': 'off',
      // Column-aligned output is matched with its literal spaces.
      'no-regex-spaces': 'off',
    },
  },
  // Import boundaries: the core knows no face; the console's faces share src/present, never the CLI's modules.
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(ink|ink-.*|@alcalzone/ink-table|react|react-.*)(/.*)?$|^zustand(/react)?$', message: 'the core knows nothing of React or Ink' },
            { group: ['**/app/**', '**/cli/**', '**/components/**', '**/present/**', '**/demo/**'], message: 'the core imports no face' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/present/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['ink', 'react', '**/app/**', '**/cli/**', '**/components/**'], message: 'present is plain wording shared by every face' }] },
      ],
    },
  },
  {
    files: ['src/app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/cli/**', '**/src/cli/**'], message: 'the console shares wording through src/present, never the CLI' }] },
      ],
    },
  },
);
