// Construct tests, grouped so the CDK library loads once per Jest worker (per-file module
// loading was most of the suite's time). Each case file holds the tests of one construct.
import './lib/sample-stack.cases';
import './constructs/training/training-job.cases';
import './constructs/hosting/endpoint.cases';
import './constructs/registry/latest-approved.cases';
import './constructs/hosting/monitor.cases';
import './constructs/registry/model-registry.cases';
import './lib/composition.cases';
import './constructs/training/training-spec.cases';
import './constructs/role-split.cases';
import './lib/cdk-json.cases';
