// The baseline of `npm run bench`: the smallest CDK app, synthesized the same way as the sample.
import { App, Stack } from 'aws-cdk-lib';

const app = new App();
new Stack(app, 'Empty');
