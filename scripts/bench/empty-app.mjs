// The empty baseline of `npm run bench`: the smallest CDK app, plain JavaScript like the others.
import { App, Stack } from 'aws-cdk-lib';

const app = new App();
new Stack(app, 'Empty');
