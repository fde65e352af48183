// Runs only under jest.sdk-floor.config.js: proves the handler tests there load the floor SDK clients.
/* eslint-disable @typescript-eslint/no-require-imports */
const FLOOR: Record<string, string> = { sagemaker: '3.911.0', s3: '3.911.0', ec2: '3.911.0', efs: '3.910.0', 'secrets-manager': '3.911.0', ssm: '3.911.0' };

test.each(Object.keys(FLOOR))('@aws-sdk/client-%s resolves to the floor version', (client) => {
  expect(require(`@aws-sdk/client-${client}/package.json`).version).toBe(FLOOR[client]);
});
