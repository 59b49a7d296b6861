// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  URL: 'readonly',
};

// Import boundaries: one adapter per external protocol, and the BFF never depends on the local tenant.
const ONLY_IN = {
  'openid-client': 'openid-client is imported only in src/oidc/ (the identity provider adapter).',
  'express-session': 'express-session is imported only in src/session/ (the session adapter).',
  ioredis: 'ioredis is imported only in src/session/ (the store adapter).',
};
const NO_TENANT = { group: ['**/tenant/**'], message: 'src/ never imports the local tenant (tenant/).' };
// The Redis client goes with ioredis: features outside the store adapter use RedisAdapter.
const NO_REDIS_CLIENT = {
  group: ['**/session/redis.factory', '**/session/redis.factory.js'],
  message:
    'The Redis client (REDIS_CLIENT) is used only in src/session/ (the store adapter): inject RedisAdapter.',
};
// Feature boundaries (docs/architecture.md#import-boundaries): what a folder of src/ never imports.
const NEVER_FROM = {
  stepUp: {
    group: ['**/my-account/**'],
    message: 'src/step-up/ never imports src/my-account/: shared types live in src/http/.',
  },
  myAccount: {
    group: ['**/auth/**'],
    message: 'src/my-account/ never imports src/auth/: its callers come from src/session/ and src/bearer/.',
  },
  oidc: {
    group: ['**/session/**'],
    message: 'src/oidc/ never imports src/session/: it declares what it needs (e.g. REPLAY_GUARD).',
  },
};
/**
 * @param {string[]} allowed adapters this folder may import
 * @param {{ group: string[], message: string }} [boundary] what this folder never imports
 */
const restrictImports = (allowed = [], boundary = undefined) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: Object.entries(ONLY_IN)
        .filter(([name]) => !allowed.includes(name))
        .map(([name, message]) => ({ name, message })),
      patterns: [
        NO_TENANT,
        ...(allowed.includes('ioredis') ? [] : [NO_REDIS_CLIENT]),
        ...(boundary ? [boundary] : []),
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'web/dist/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: nodeGlobals,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/my-account/**', 'src/oidc/**', 'src/session/**', 'src/step-up/**'],
    rules: restrictImports(),
  },
  { files: ['src/my-account/**/*.ts'], rules: restrictImports([], NEVER_FROM.myAccount) },
  { files: ['src/oidc/**/*.ts'], rules: restrictImports(['openid-client'], NEVER_FROM.oidc) },
  { files: ['src/session/**/*.ts'], rules: restrictImports(['express-session', 'ioredis']) },
  { files: ['src/step-up/**/*.ts'], rules: restrictImports([], NEVER_FROM.stepUp) },
  {
    // One builder of the step-up 401 (docs/architecture.md#where-each-rule-lives): stepUpRequired().
    files: ['src/**/*.ts'],
    ignores: ['src/step-up/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='StepUpRequired']",
          message: 'Build the step-up 401 with stepUpRequired() (src/step-up/step-up-required.ts).',
        },
      ],
    },
  },
  {
    files: ['scripts/**', 'test/**', 'bench/**', 'tenant/**', '.ci/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // The tenant wraps oidc-provider, which ships no types, and tests read untyped JSON bodies: the
    // no-unsafe-* family would only ask for casts there. The BFF itself (src/, web/) keeps them.
    files: ['tenant/**', 'test/**', '**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
);
