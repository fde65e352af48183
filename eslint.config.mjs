// The project's lint rules (`npm run lint`, part of `npm test`): typescript-eslint's recommended set
// plus the conventions the AWS CDK repository enforces in its own eslint configuration (single
// quotes, semicolons, 2-space indent, trailing commas on multi-line literals, no floating console
// output in the library, `import type`-free CommonJS-friendly imports, no duplicate imports).
// Type-unaware on purpose: a type-aware run would double the time of `npm test`, and `tsc` checks types.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'assets/**', '.build/**', 'dist-packages/**', 'cdk.out/**', 'coverage/**', 'test/consumer/dist/**', '**/*.d.ts', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/indent': ['error', 2, { SwitchCase: 1, ignoredNodes: ['TemplateLiteral *'] }],
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      '@stylistic/no-trailing-spaces': 'error',
      '@stylistic/eol-last': 'error',
      '@stylistic/no-multiple-empty-lines': ['error', { max: 1 }],
      '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
      '@stylistic/key-spacing': 'error',
      '@stylistic/keyword-spacing': 'error',
      '@stylistic/space-before-blocks': 'error',
      '@stylistic/object-curly-spacing': ['error', 'always'],
      '@stylistic/array-bracket-spacing': ['error', 'never'],
      '@stylistic/member-delimiter-style': 'error',
      'curly': ['error', 'multi-line', 'consistent'],
      'eqeqeq': ['error', 'always', { null: 'ignore' }],
      'no-duplicate-imports': 'error',
      'no-shadow': 'off',
      '@typescript-eslint/no-shadow': 'error',
      'no-console': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': 'error',
      '@typescript-eslint/explicit-member-accessibility': ['error', { accessibility: 'explicit', overrides: { constructors: 'off' } }],
      // `any` only where jsii forces it (free-form JSON, values jsii cannot type as a union), each
      // with an eslint-disable comment that gives the reason; internal renderers use the SDK's types.
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // the library (not its handlers) writes nothing to the console: it reports through annotations and errors
    files: ['constructs/**/*.ts'],
    ignores: ['constructs/**/handlers/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // tests script fakes with loose shapes
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/explicit-member-accessibility': 'off' },
  },
);
