// Construct tests, grouped so the CDK library loads once per Jest worker (per-file module
// loading was most of the suite's time). Each case file holds the tests of one construct.
import './constructs/studio/studio-domain.cases';
import './constructs/bad-input-probe.cases';
import './constructs/hosting/model.cases';
import './constructs/pipelines/pipeline.cases';
import './constructs/training/tuning.cases';
import './constructs/training/processing.cases';
import './constructs/data/data-seed.cases';
import './constructs/data/data-bucket.cases';
import './constructs/training/container-image.cases';
import './constructs/testing.cases';
