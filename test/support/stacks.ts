import { App, Stack, StackProps } from 'aws-cdk-lib';

/**
 * A plain stack for fine-grained assertions: no compliance plugins, so each assertion pays only for
 * synthesis. Validity (cdk-nag and built-in validation) is asserted separately with `testApp()`.
 */
export function plainStack(id = 'Test', props: StackProps = {}): Stack {
  return new Stack(new App(), id, props);
}
