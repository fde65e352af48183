import { Token, Tokenization } from 'aws-cdk-lib';
import { PipelineExpression } from '../expressions';
import type { CacheOptions, RenderContext, RetryPolicy, StepOptions } from '../step';

// Cache and retry policies of the step types the Step base does not handle itself (EMR, AutoML):
// those steps hand the base their options without `cache` and `retryPolicies`, and render both here.

/** The options without cache and retry policies, for the Step base. */
export function basePolicies<T extends StepOptions>(options: T): StepOptions {
  const { cache: _cache, retryPolicies: _retries, ...rest } = options as T & { cache?: CacheOptions };
  return rest;
}

/** `CacheConfig` (the SDK's `CacheConfig.config`): Enabled and a positive ISO-8601 duration of whole seconds. */
export function renderCache(ctx: RenderContext, stepName: string, cache: CacheOptions | undefined): { Enabled: boolean; ExpireAfter: string } | undefined {
  if (!cache) return undefined;
  const seconds = cache.expireAfter.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1) {
    ctx.problems.add(`the cache of step '${stepName}' expires after ${cache.expireAfter.toHumanString()} (ExpireAfter '${cache.expireAfter.toIsoString()}'): use a positive whole number of seconds (e.g. Duration.days(30), rendered 'P30D')`);
  }
  return { Enabled: cache.enabled ?? true, ExpireAfter: cache.expireAfter.toIsoString() };
}

/** `RetryPolicies` of a step type that takes them (the SDK's ConfigurableRetryStep). */
export function renderRetries(ctx: RenderContext, stepName: string, policies: RetryPolicy[] | undefined): Array<Record<string, unknown>> | undefined {
  if (!policies?.length) return undefined;
  return policies.map((p) => p._render(ctx.problems, stepName));
}

/** Whether a string holds a pipeline expression (a parameter, a step property): known only when the pipeline runs. */
export function hasExpression(value: string | undefined): boolean {
  if (value === undefined || !Token.isUnresolved(value)) return false;
  return Tokenization.reverseString(value).tokens.some((t) => t instanceof PipelineExpression);
}
