// The handler tests again, with the AWS SDK clients the handlers import mapped to the oldest versions
// we support (devDependency aliases sdk-floor-client-*: the releases of October 2025, older than the
// Lambda nodejs24.x runtime that runs the handlers and provides the SDK). `npm run test:sdk-floor`.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/handlers', '<rootDir>/test/sdk-floor'],
  testPathIgnorePatterns: ['/node_modules/'],
  moduleNameMapper: { '^@aws-sdk/client-(sagemaker|s3|ec2|efs|secrets-manager|ssm)(/.*)?$': 'sdk-floor-client-$1$2' },
};
