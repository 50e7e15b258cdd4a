'use strict';

// One style for every JavaScript file of the repository (`npm run lint`; CI runs it).
const js = require('@eslint/js');
const stylistic = require('@stylistic/eslint-plugin');
const globals = require('globals');

const style = {
  '@stylistic/indent': ['error', 2, { SwitchCase: 1, flatTernaryExpressions: true, offsetTernaryExpressions: false }],
  '@stylistic/quotes': ['error', 'single', { avoidEscape: true }],
  '@stylistic/semi': ['error', 'always'],
  '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
  '@stylistic/comma-spacing': 'error',
  '@stylistic/keyword-spacing': 'error',
  '@stylistic/space-before-blocks': 'error',
  '@stylistic/space-infix-ops': 'error',
  '@stylistic/no-trailing-spaces': 'error',
  '@stylistic/eol-last': 'error',
  '@stylistic/no-mixed-spaces-and-tabs': 'error',
  '@stylistic/no-tabs': 'error',
  '@stylistic/max-len': ['error', { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreComments: false }],
  'no-var': 'error',
  'prefer-const': ['error', { destructuring: 'all' }],
  eqeqeq: ['error', 'always', { null: 'ignore' }],
  strict: ['error', 'global'],
  'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
};

module.exports = [
  {
    ignores: ['node_modules/', 'target/', 'dist/', 'bench/original/', 'bench/data/', 'fuzz/target/', 'fuzz/corpus/',
      'binding.js', 'npm/', '**/*.d.ts'],
  },
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022, globals: { ...globals.node } },
    plugins: { '@stylistic': stylistic },
    rules: style,
  },
  {
    // The decoders keep `var`: converting them to let/const cost 8-10% more JavaScript-thread
    // instructions per decoded packet (bench/instructions.js, decode, 3 runs each: V8 checks the
    // temporal dead zone of let/const bindings that hot closures read).
    files: ['decode/**/*.js'],
    rules: { 'no-var': 'off', 'prefer-const': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', ecmaVersion: 2022, globals: { ...globals.node } },
    plugins: { '@stylistic': stylistic },
    rules: { ...style, strict: 'off' },
  },
];
