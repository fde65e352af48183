import { ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { describeValue, SageMakerConstructError } from '../private/errors';
import { createManagedKey, TOPIC_PUBLISH_KEY_ACTIONS } from '../private/kms';

/** Properties of an AlertsTopic. */
export interface AlertsTopicProps {
  /**
   * The name shown in notifications.
   * @default - none
   */
  readonly displayName?: string;
  /**
   * E-mail addresses to subscribe (each must confirm the subscription).
   * @default - none
   */
  readonly emails?: string[];
  /**
   * What happens to the topic's key when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An SNS topic for alarms and pipeline/registry events, encrypted with its own KMS key (rotation,
 * grants only for AWS services) that CloudWatch alarms and EventBridge may use, TLS required.
 * Pass `alertsTopic.topic` to `Endpoint` alarms, monitors and `onXxx` rules.
 */
export class AlertsTopic extends Construct {
  /** The topic. */
  public readonly topic: sns.Topic;
  /** The topic's key. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: AlertsTopicProps = {}) {
    super(scope, id);
    for (const email of props.emails ?? []) {
      if (!Token.isUnresolved(email) && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new SageMakerConstructError(this, `invalid email ${describeValue(email)}: use an e-mail address`);
    }
    const dupes = (props.emails ?? []).filter((e, i, all) => !Token.isUnresolved(e) && all.indexOf(e) !== i);
    if (dupes.length) throw new SageMakerConstructError(this, `emails lists ${describeValue(dupes)} more than once`);
    if (props.displayName !== undefined && !Token.isUnresolved(props.displayName) && props.displayName.length > 100) {
      throw new SageMakerConstructError(this, `displayName is ${props.displayName.length} characters: SNS allows at most 100`);
    }
    const key = createManagedKey(this, 'Key', { description: `Encrypts the alerts topic ${this.node.path}`, removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN });
    const stack = Stack.of(this);
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowAlarmDelivery',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: TOPIC_PUBLISH_KEY_ACTIONS,
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
    // SNS does not pass aws:SourceAccount/aws:SourceArn to KMS for EventBridge deliveries, so the
    // key statement for EventBridge cannot carry them; the topic policy below is what scopes it.
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowEventDelivery',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: TOPIC_PUBLISH_KEY_ACTIONS,
      resources: ['*'],
    }));
    this.encryptionKey = key;
    this.topic = new sns.Topic(this, 'Resource', { displayName: props.displayName, masterKey: key, enforceSSL: true });
    // enforceSSL gives the topic a policy, which replaces SNS's default one: without this statement
    // no alarm of the account could publish to it.
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowAlarmsOfThisAccount',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
    }));
    (props.emails ?? []).forEach((email, i) => {
      // A deploy-time address (a parameter) cannot name the subscription's construct, as
      // addSubscription would: it gets an id of its own.
      if (Token.isUnresolved(email)) new sns.Subscription(this, `EmailSubscription${i}`, { topic: this.topic, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: email });
      else this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    });
  }
}
