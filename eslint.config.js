// ESLint 9 flat config, run by `npm run lint` (with knip) and scripts/test-all.sh.
// - typescript-eslint's recommended type-aware rules (about 40 s on the 2-core machine),
// - React's hooks rules in renderer/,
// - Lifeboat's layer walls (scripts/lint/layers.mjs: renderer ↔ electron, the `electron` module,
//   domain folders vs workflows/transports, workflow areas through their doors),
// - size limits for product code: 400 lines a file, 80 a function (code lines only),
// with the files that still break a rule listed below, each with its reason. Tests are relaxed.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import lifeboat from './scripts/lint/layers.mjs';

const TESTS = [
  '**/*.test.ts',
  '**/*.test.tsx',
  '**/*.test-fixtures.ts',
  '**/test-fixtures.ts',
  '**/fixtures.ts',
  '**/testServer.ts',
  'electron/hostile/**',
  'test/**',
  '**/*.config.ts',
];
const PRODUCT = ['electron/**/*.ts', 'renderer/**/*.{ts,tsx}'];

// Product files over the size limits today (lines of code as the rule counts them, i.e. without
// blank lines and comments). Each is being split or is next in line; delete its entry when it fits.
const MAX_LINES = {};
const MAX_FUNCTION_LINES = {};

// Other rules that specific files still break, each with why.
const KNOWN = [];

const layerOptions = {
  // The Electron module: the two Electron entry points, electron/desktop/ (native dialogs, "Show in
  // folder", notifications; only main.ts imports it) and, lazily, the secret store, which needs
  // safeStorage and falls back where Electron is absent (web mode).
  electronModule: ['electron/main', 'electron/preload', 'electron/desktop/', 'electron/workflows/setup/secrets'],
  knownViolations: [],
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', '.tmp/**', '.lab*/**', 'test-results/**', 'playwright-report/**', 'resources/**', 'test/lab/tools/**'],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs', 'scripts/*.cjs', 'scripts/lint/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { lifeboat },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // React's onClick={async () => …} is how the screens start work; promises elsewhere are checked.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Type-aware rules kept off for now (follow-ups, not verdicts):
      // - no-unsafe-*: ~190 findings in product code, nearly all `any` from JSON.parse and the
      //   Kubernetes client's untyped bodies; typing those reads (zod or narrow interfaces) comes first.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // - require-await: async methods without await implement async interfaces on purpose; dropping
      //   `async` would turn their rejections into synchronous throws.
      '@typescript-eslint/require-await': 'off',
      // - unbound-method: closures are typed with method syntax throughout (zustand actions, the
      //   REST helpers, fetch functions handed around); none of them uses `this`.
      '@typescript-eslint/unbound-method': 'off',
      // - no-base-to-string: String(x) of an unknown value in error text is deliberate.
      '@typescript-eslint/no-base-to-string': 'off',
      'lifeboat/layers': ['error', layerOptions],
    },
  },
  {
    // Plain JavaScript (this file, build and CI scripts): no type information.
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: PRODUCT,
    ignores: TESTS,
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    // Tests, fixtures and the lab: relaxed. Casts, stubs and `any` are how tests reach inside, and
    // a test may share another workflow area's fixtures.
    files: TESTS,
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-this-alias': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
      'lifeboat/layers': ['error', { ...layerOptions, workflowDoors: false }],
    },
  },
  ...Object.entries(MAX_LINES).map(([file]) => ({ files: [file], rules: { 'max-lines': 'off' } })),
  ...Object.entries(MAX_FUNCTION_LINES).map(([file]) => ({ files: [file], rules: { 'max-lines-per-function': 'off' } })),
  ...KNOWN.map(({ files, rules }) => ({ files, rules: Object.fromEntries(rules.map((r) => [r, 'off'])) })),
);
