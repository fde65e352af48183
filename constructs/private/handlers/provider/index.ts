/**
 * The one Lambda entry point of the stack's custom-resource provider: dispatches each event to the
 * handler of its resource type. Bundled at build time (scripts/build.mjs) with the AWS SDK
 * left to the Lambda runtime.
 */
import * as dataSeed from '../../../data/handlers/data-seed';
import * as latestApproved from '../../../registry/handlers/latest-approved';
import * as domainCleanup from '../../../studio/handlers/domain-cleanup';
import * as sagemakerJob from '../../../training/handlers/sagemaker-job';
import * as restrictDefaultSg from '../restrict-default-sg';
import { CustomResourceEvent, IsCompleteResponse, OnEventResponse } from '../runtime';

interface ResourceHandler {
  onEvent(event: CustomResourceEvent): Promise<OnEventResponse>;
  /** Absent: the resource is complete when onEvent returns. */
  isComplete?(event: CustomResourceEvent, context?: LambdaContext): Promise<IsCompleteResponse>;
}

/** What the handlers read of the Lambda context: the time left before the function times out. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export const HANDLERS: Record<string, ResourceHandler> = {
  [domainCleanup.DOMAIN_CLEANUP_RESOURCE_TYPE]: domainCleanup,
  [restrictDefaultSg.RESTRICT_DEFAULT_SG_RESOURCE_TYPE]: { onEvent: restrictDefaultSg.onEvent },
  [sagemakerJob.TRAINING_JOB_RESOURCE_TYPE]: { onEvent: sagemakerJob.onEvent, isComplete: sagemakerJob.isComplete },
  [sagemakerJob.TUNING_JOB_RESOURCE_TYPE]: { onEvent: sagemakerJob.onEvent, isComplete: sagemakerJob.isComplete },
  [sagemakerJob.COMPILATION_JOB_RESOURCE_TYPE]: { onEvent: sagemakerJob.onEvent, isComplete: sagemakerJob.isComplete },
  [dataSeed.DATA_SEED_RESOURCE_TYPE]: { onEvent: dataSeed.onEvent },
  [latestApproved.LATEST_APPROVED_RESOURCE_TYPE]: { onEvent: latestApproved.onEvent },
};

function handlerOf(event: CustomResourceEvent): ResourceHandler | undefined {
  return HANDLERS[event.ResourceType];
}

export async function onEvent(event: CustomResourceEvent): Promise<OnEventResponse> {
  const handler = handlerOf(event);
  if (handler) return handler.onEvent(event);
  console.log(JSON.stringify({ action: 'unknown-resource-type', resourceType: event.ResourceType, requestType: event.RequestType }));
  // A Delete of a type this version no longer serves must not block the stack.
  if (event.RequestType === 'Delete' && event.PhysicalResourceId) return { PhysicalResourceId: event.PhysicalResourceId };
  throw new Error(`unsupported resource type ${event.ResourceType}; this provider serves ${Object.keys(HANDLERS).join(', ')}`);
}

export async function isComplete(event: CustomResourceEvent, context?: LambdaContext): Promise<IsCompleteResponse> {
  const handler = handlerOf(event);
  // The context goes on, so a long poll (the Studio teardown) stops before the Lambda times out.
  return handler?.isComplete ? handler.isComplete(event, context) : { IsComplete: true };
}
