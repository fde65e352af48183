import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface ManagedKeyOptions {
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
  /** Service principals that must use the key directly (e.g. `logs.<region>.amazonaws.com`). */
  readonly servicePrincipals?: iam.IPrincipal[];
}

/**
 * A customer-managed key as every construct of this library creates it: yearly rotation, retained
 * like the data it protects, and a key policy that lets grants be created only for AWS services
 * acting on the caller's behalf (SageMaker, EBS, EFS create grants that way), never by a principal
 * for itself.
 */
export function createManagedKey(scope: Construct, id: string, options: ManagedKeyOptions): kms.Key {
  const key = new kms.Key(scope, id, {
    description: options.description,
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsNotForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

/**
 * Lets CloudWatch Logs encrypt log groups of this account and region with `key` (the key policy
 * statement CloudWatch Logs requires; scoped by the log-group ARN in the encryption context).
 */
export function allowCloudWatchLogs(key: kms.Key): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogs',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
  }));
}

/** Reading what `key` protects (SSE-KMS objects, captured data): Decrypt and DescribeKey. */
export function grantKeyRead(key: kms.IKey | undefined, grantee: iam.IGrantable): void {
  key?.grant(grantee, ...KEY_READ_ACTIONS);
}

/**
 * Writing (and reading) what `key` protects: GenerateDataKey for new data keys, Decrypt as well,
 * which S3 multipart uploads with SSE-KMS need, and DescribeKey.
 */
export function grantKeyReadWrite(key: kms.IKey | undefined, grantee: iam.IGrantable): void {
  key?.grant(grantee, 'kms:GenerateDataKey', ...KEY_READ_ACTIONS);
}

/**
 * Encrypting a job's or monitor's ML storage volumes with `key`: SageMaker creates a grant for EBS
 * and generates data keys without plaintext.
 */
export function grantVolumeKey(key: kms.IKey | undefined, grantee: iam.IGrantable): void {
  key?.grant(grantee, 'kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey');
}

const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;

/**
 * Sending to an SQS queue, and the exact key actions when it is encrypted (SQS's documented
 * minimum for producers). `queue.grantSendMessages` would grant `kms:GenerateDataKey*` and
 * `kms:ReEncrypt*`, action wildcards.
 */
export function grantQueueSend(queue: sqs.IQueue, grantee: iam.IGrantable): void {
  iam.Grant.addToPrincipalOrResource({ grantee, actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resourceArns: [queue.queueArn], resource: queue });
  queue.encryptionMasterKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
}

/** What a publisher to an SNS topic needs of the topic's key (SNS's documented minimum). */
export const TOPIC_PUBLISH_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];

/**
 * `sns:Publish` on `topic`, and the exact key actions when it is encrypted. `topic.grantPublish`
 * would grant `kms:GenerateDataKey*`, an action wildcard.
 */
export function grantTopicPublish(topic: sns.ITopic, grantee: iam.IGrantable): void {
  iam.Grant.addToPrincipalOrResource({ grantee, actions: ['sns:Publish'], resourceArns: [topic.topicArn], resource: topic });
  topic.masterKey?.grant(grantee, ...TOPIC_PUBLISH_KEY_ACTIONS);
}

/**
 * Lets principals of `accountId` read what `key` protects through `service` only (e.g.
 * `s3.<region>.amazonaws.com`): Decrypt and DescribeKey in the key policy, for the account (whose
 * own IAM policies then decide which of its principals may). Returns false when the key policy
 * cannot be written here (an imported key).
 */
export function allowAccountKeyReadVia(key: kms.IKey, accountId: string, service: string): boolean {
  return key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.AccountPrincipal(accountId)],
    actions: [...KEY_READ_ACTIONS],
    resources: ['*'],
    conditions: { StringEquals: { 'kms:ViaService': service } },
  })).statementAdded;
}
