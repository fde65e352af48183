// Tests do not need the creation stack traces CDK records for every construct and metadata entry
// (they only help locate errors in a real app): every App created in a test skips them.
process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-stack-trace': true });
