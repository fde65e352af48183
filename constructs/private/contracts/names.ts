// SageMaker's name pattern, shared by the construct rules (private/rules.ts) and the handlers: no
// imports, so the handler bundle stays free of aws-cdk-lib.

/** SageMaker's name pattern for most resources (domains, groups, pipelines, jobs, endpoints...). */
export const SAGEMAKER_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;

/** Whether `name` is a SageMaker name of 1 to `maxLength` characters. */
export function isSageMakerName(name: unknown, maxLength: number): name is string {
  return typeof name === 'string' && name.length >= 1 && name.length <= maxLength && SAGEMAKER_NAME_PATTERN.test(name);
}
