import { IConstruct } from 'constructs';
import { ContainerImage } from '../../core/container-image';
import { S3Location } from '../../core/s3-location';
import { describeValue, ProblemList } from '../../private/errors';
import { prune } from '../../private/job-render';
import { DebuggerOptions } from '../debugger';
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';

/** The Debugger and profiler members of a CreateTrainingJob request. */
type DebuggerRequestMembers = Pick<CreateTrainingJobRequest, 'DebugHookConfig' | 'DebugRuleConfigurations' | 'ProfilerConfig' | 'ProfilerRuleConfigurations'>;

/** The tensor collections the Debugger hook must save for each built-in rule to have data. */
const RULE_COLLECTIONS: Record<string, string[]> = {
  LossNotDecreasing: ['losses'],
  Overfit: ['losses'],
  Overtraining: ['losses'],
  VanishingGradient: ['gradients'],
  ExplodingTensor: ['gradients', 'weights'],
  PoorWeightInitialization: ['weights'],
  SaturatedActivation: ['relu_activations'],
  DeadRelu: ['relu_activations'],
  ClassImbalance: ['labels', 'predictions'],
  TreeDepth: ['tree'],
  FeatureImportanceOverweight: ['feature_importance'],
  Confusion: ['labels', 'predictions'],
};

/**
 * Validates the Debugger and profiler settings of a training spec and renders their request
 * members. `outputLocation` is the job's output location, under which the Debugger data goes by default.
 */
export function renderDebugger(scope: IConstruct, problems: ProblemList, d: DebuggerOptions | undefined, outputLocation: S3Location): DebuggerRequestMembers {
  if (!d) return {};
  const intervals = [100, 200, 500, 1000, 5000, 60000];
  if (d.profilingIntervalMs !== undefined && !intervals.includes(d.profilingIntervalMs)) {
    problems.add(`invalid debugger.profilingIntervalMs ${describeValue(d.profilingIntervalMs)}: use one of ${intervals.join(', ')}`);
  }
  const duplicates = (d.rules ?? []).filter((r, i, all) => all.indexOf(r) !== i);
  if (duplicates.length) problems.add(`debugger.rules lists ${duplicates.join(', ')} more than once`);
  if (problems.length) return {};
  const output = (d.outputLocation ?? S3Location.fromUri(`${stripSlash(outputLocation.uri)}/debugger`)).uri;
  const evaluator = ContainerImage.debuggerRules().bind(scope as never).imageUri;
  const rules = (d.rules ?? []).map((rule) => ({
    RuleConfigurationName: `${rule}`,
    RuleEvaluatorImage: evaluator,
    RuleParameters: { rule_to_invoke: rule },
  }));
  const collections = [...new Set((d.rules ?? []).flatMap((r) => RULE_COLLECTIONS[r] ?? []))].sort();
  return prune({
    DebugHookConfig: {
      S3OutputPath: output,
      CollectionConfigurations: collections.length ? collections.map((CollectionName) => ({ CollectionName })) : undefined,
    },
    DebugRuleConfigurations: rules.length ? rules : undefined,
    ProfilerConfig: d.disableProfiler
      ? { DisableProfiler: true }
      : { S3OutputPath: output, ProfilingIntervalInMilliseconds: d.profilingIntervalMs ?? 500 },
    ProfilerRuleConfigurations: !d.disableProfiler && (d.profilerReport ?? true)
      ? [{ RuleConfigurationName: 'ProfilerReport', RuleEvaluatorImage: evaluator, RuleParameters: { rule_to_invoke: 'ProfilerReport' } }]
      : undefined,
  });
}

/** Drops trailing slashes; the literal end of a URI with tokens inside is still visible. */
function stripSlash(uri: string): string {
  return uri.replace(/\/+$/, '');
}
