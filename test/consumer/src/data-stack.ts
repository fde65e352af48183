import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { AlertsTopic, DataBucket, DataSeed, ModelApprovalStatus, ModelRegistry } from 'sagemaker-lifecycle-constructs';
import { REGISTRY_NAME, SHARED_BUCKET_NAME, dataFile } from './shared';

/** Shared data: the ML data bucket with its raw data, the model registry, the alerts topic. */
export class ConsumerDataStack extends Stack {
  readonly data: DataBucket;
  readonly registry: ModelRegistry;
  readonly alerts: AlertsTopic;
  readonly rawSeed: DataSeed;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);

    this.data = new DataBucket(this, 'Data', {
      bucketName: SHARED_BUCKET_NAME,
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(3),
      intelligentTieringAfter: Duration.days(60),
      serverAccessLogsPrefix: 'data-access/',
      serverAccessLogsRetention: Duration.days(400),
      eventBridgeEnabled: true,
    });

    this.rawSeed = new DataSeed(this, 'RawChurn', {
      bucket: this.data,
      key: 'raw/churn/churn-raw.csv',
      source: dataFile('churn-raw.csv'),
      removeOnDelete: true,
    });

    this.registry = new ModelRegistry(this, 'Registry', {
      modelPackageGroupName: REGISTRY_NAME,
      description: 'Churn models retrained weekly by the consumer pipeline',
      tags: { team: 'ml-platform' },
      // where the pipelines write the registered model.tar.gz: shared with the reviewing account too
      artifactsBucket: this.data,
      artifactsPrefix: 'pipelines/',
    });
    // A reviewing account may approve versions, but not register them.
    this.registry.grantCrossAccount('444455556666', { allowApprove: true });

    this.alerts = new AlertsTopic(this, 'Alerts', {
      displayName: 'Consumer ML alerts',
      emails: ['ml-oncall@example.com'],
    });
    this.registry.onApprovalStateChange('OnApproved', {
      status: ModelApprovalStatus.APPROVED,
      target: new targets.SnsTopic(this.alerts.topic),
      description: 'Tells the on-call channel that a churn model version was approved',
    });

    new CfnOutput(this, 'RawDataUri', { value: this.data.s3Uri('raw/churn/') });
    new CfnOutput(this, 'RawSeedUri', { value: this.rawSeed.s3Uri });
    new CfnOutput(this, 'DataKeyArn', { value: this.data.encryptionKey?.keyArn ?? 'none' });
    new CfnOutput(this, 'RegistryArn', { value: this.registry.modelPackageGroupArn });
  }
}
