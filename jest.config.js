/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // run by jest.sdk-floor.config.js only (it checks the versions that config maps the SDK clients to)
  testPathIgnorePatterns: ['/node_modules/', '/test/sdk-floor/'],
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.js' },
  setupFiles: ['<rootDir>/test/support/jest-env.js'],
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  maxWorkers: 2,
};
