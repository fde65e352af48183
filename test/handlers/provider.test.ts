import { HANDLERS, isComplete, onEvent } from '../../constructs/private/handlers/provider';
import { CustomResourceEvent } from '../../constructs/private/handlers/runtime';

const event = (ResourceType: string, RequestType: 'Create' | 'Update' | 'Delete', PhysicalResourceId?: string): CustomResourceEvent =>
  ({ ResourceType, RequestType, PhysicalResourceId, ResourceProperties: {} });

describe('provider dispatcher', () => {
  test('serves every custom resource type the constructs create', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([
      'Custom::SageMakerCompilationJob',
      'Custom::SageMakerDataSeed',
      'Custom::SageMakerLatestApprovedModelPackage',
      'Custom::SageMakerTrainingJob',
      'Custom::SageMakerTuningJob',
      'Custom::StudioDomainCleanup',
      'Custom::VpcRestrictDefaultSG',
    ]);
  });

  test('a type without isComplete is complete when onEvent returns', async () => {
    await expect(isComplete(event('Custom::VpcRestrictDefaultSG', 'Create'))).resolves.toEqual({ IsComplete: true });
  });

  test('unknown types fail on Create and succeed on Delete (a type this version no longer serves must not block the stack)', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await expect(onEvent(event('Custom::Gone', 'Create'))).rejects.toThrow(/unsupported resource type Custom::Gone; this provider serves/);
      await expect(onEvent(event('Custom::Gone', 'Delete', 'old-id'))).resolves.toEqual({ PhysicalResourceId: 'old-id' });
      await expect(isComplete(event('Custom::Gone', 'Delete', 'old-id'))).resolves.toEqual({ IsComplete: true });
    } finally {
      log.mockRestore();
    }
  });
});

describe('provider dispatcher: the Lambda context', () => {
  test('isComplete passes the Lambda context on to the handler, so a long poll can stop before the function times out', async () => {
    const seen: unknown[] = [];
    const original = HANDLERS['Custom::SageMakerTrainingJob'];
    HANDLERS['Custom::SageMakerTrainingJob'] = { onEvent: original.onEvent, isComplete: async (_e, context) => { seen.push(context); return { IsComplete: true }; } };
    try {
      const context = { getRemainingTimeInMillis: () => 120_000 };
      await isComplete(event('Custom::SageMakerTrainingJob', 'Create', 'job'), context);
      expect(seen).toEqual([context]);
    } finally {
      HANDLERS['Custom::SageMakerTrainingJob'] = original;
    }
  });
});
