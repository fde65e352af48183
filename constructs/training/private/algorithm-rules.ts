import { Token } from 'aws-cdk-lib';
import { BuiltInAlgorithm } from '../../core/aws-image-options';
import { hasNvidiaGpu } from '../../core/private/instance-families';
import { describeValue, ProblemList } from '../../private/errors';
import { TrainingResources } from '../training-resources';

// What the built-in algorithms train on, from the SageMaker Developer Guide: the table "Parameters of
// the built-in algorithms" (instance class, parallelizable) and each algorithm's "EC2 instance
// recommendation" section.

/** Algorithms that train on NVIDIA GPU instances only ("Instance class: GPU"). */
const GPU_ONLY: ReadonlySet<string> = new Set([
  BuiltInAlgorithm.IMAGE_CLASSIFICATION,
  BuiltInAlgorithm.OBJECT_DETECTION,
  BuiltInAlgorithm.SEMANTIC_SEGMENTATION,
  BuiltInAlgorithm.SEQ2SEQ,
]);

/** Algorithms that train on one instance only ("single instance only", not parallelizable). */
const SINGLE_INSTANCE: ReadonlySet<string> = new Set([
  BuiltInAlgorithm.LDA,
  BuiltInAlgorithm.OBJECT2VEC,
  BuiltInAlgorithm.SEMANTIC_SEGMENTATION,
  BuiltInAlgorithm.SEQ2SEQ,
]);

/** The enum member of an algorithm value, for messages: `BuiltInAlgorithm.LDA`. */
function memberOf(algorithm: string): string {
  const entry = Object.entries(BuiltInAlgorithm).find(([, value]) => value === algorithm);
  return entry ? `BuiltInAlgorithm.${entry[0]}` : describeValue(algorithm);
}

/**
 * The instances a built-in algorithm can train on: GPU-only algorithms need p or g instance types,
 * single-instance algorithms one instance (BlazingText more only in `batch_skipgram` mode).
 * Instance types and counts that are tokens pass.
 */
export function checkAlgorithmResources(problems: ProblemList, algorithm: string, r: TrainingResources, hyperparameters: { [name: string]: string } | undefined): void {
  const groups = r.instanceGroups
    ? r.instanceGroups.map((g) => ({ prop: `instance type of group '${g.name}'`, type: g.instanceType.name, count: g.instanceCount }))
    : r.instanceType ? [{ prop: 'resources.instanceType', type: r.instanceType.name, count: r.instanceCount ?? 1 }] : [];
  const name = memberOf(algorithm);
  if (GPU_ONLY.has(algorithm)) {
    for (const g of groups) {
      if (Token.isUnresolved(g.type) || hasNvidiaGpu(g.type)) continue;
      problems.add(`${g.prop} ${describeValue(g.type)} has no GPU: ${name} trains on GPU instances only; use a p or g instance type, e.g. 'ml.p3.2xlarge' or 'ml.g5.xlarge'`);
    }
  }
  const counts = groups.map((g) => g.count);
  if (counts.some((c) => Token.isUnresolved(c) || typeof c !== 'number')) return;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 1) return;
  const what = r.instanceGroups ? `resources.instanceGroups have ${total} instances in all` : `resources.instanceCount ${total}`;
  if (SINGLE_INSTANCE.has(algorithm)) {
    problems.add(`${what}: ${name} trains on a single instance only; use instanceCount 1 (a bigger instance type, or one with more GPUs, to scale)`);
  } else if (algorithm === BuiltInAlgorithm.BLAZINGTEXT) {
    const mode = hyperparameters?.mode;
    if (mode !== undefined && Token.isUnresolved(mode)) return;
    if (mode !== 'batch_skipgram') {
      problems.add(`${what} with BlazingText mode ${describeValue(mode)}: BlazingText trains on several instances only in mode 'batch_skipgram' (on CPU instances); use instanceCount 1 or hyperparameters.mode 'batch_skipgram'`);
    }
  }
}
