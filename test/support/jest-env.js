// Tests do not need the creation stack traces CDK records for every construct and metadata entry
// (they only help locate errors in a real app): every App created in a test skips them.
process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-stack-trace': true, 'aws:cdk:disable-creation-stack-traces': true });
// Template validation (aws-cdk-lib's built-in CloudFormation rules, a WebAssembly engine) is what
// the validity tests assert; the other tests synthesize only to read templates, and validating
// every one of them was half the suite's CPU time. testApp() (test/support/validity.ts) registers
// the validation plugin explicitly, so every validity test still runs it with the default rules.
process.env.CDK_VALIDATION = 'false';
