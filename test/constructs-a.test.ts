// Construct tests, grouped so the CDK library loads once per Jest worker (per-file module loading was
// most of the suite's time). The case files are found on disk (test/support/cases.ts): none is skipped.
import { loadGroup } from './support/cases';

loadGroup(0);
