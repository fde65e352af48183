import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { rules } from 'cdk-nag';
import { Construct, IConstruct, IDependable } from 'constructs';
import { acknowledgeGranularFindings, waiveGuardRules } from './compliance';
import { SageMakerConstructError } from './errors';
import { allowCloudWatchLogs, createManagedKey } from './kms';
import { LeastPrivilegeRole } from './role';

// Two folders up from this file is the package root, both for the compiled library (dist/private/)
// and for the sources the sample app and the tests run (constructs/private/).
const BUNDLE_DIR = path.join(__dirname, '..', '..', 'assets', 'bundle', 'provider');
const PROVIDER_ID = 'SageMakerConstructsProvider';

/**
 * How long the provider framework polls isComplete: under the 3600 s CloudFormation waits for a
 * custom resource (its `ServiceTimeout`, default and maximum), so the framework reports the timeout
 * itself (and the rollback's Delete carries the real physical id) before CloudFormation stops
 * waiting on its own.
 */
export const PROVIDER_TOTAL_TIMEOUT = Duration.minutes(55);
/** CloudFormation's wait for one custom resource: its default, and the most it allows (ServiceTimeout, set explicitly). */
export const CUSTOM_RESOURCE_SERVICE_TIMEOUT = Duration.hours(1);

/**
 * The stack's one custom-resource provider (`HandlerProvider.of(scope)`), built on the
 * `custom-resources.Provider` framework. Its functions run the handler bundle built at build time
 * (scripts/build.mjs), which dispatches by resource type; `isComplete` is polled every
 * 30 seconds for up to 55 minutes (CloudFormation waits at most an hour for a custom resource), for
 * waits longer than a Lambda may run. The functions get a
 * least-privilege role (no AWS managed policy) that each construct extends with what its resource
 * needs, a log group with a retention, and the current Node.js LTS runtime.
 */
export class HandlerProvider extends Construct {
  /** The provider of the stack of `scope`, created on first use. */
  public static of(scope: IConstruct): HandlerProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(PROVIDER_ID) as HandlerProvider | undefined) ?? new HandlerProvider(stack, PROVIDER_ID);
  }

  public readonly serviceToken: string;
  /** The role of the handler functions. */
  private readonly handlerRole: LeastPrivilegeRole;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    if (!fs.existsSync(path.join(BUNDLE_DIR, 'index.js'))) {
      throw new SageMakerConstructError(this, `the custom-resource handler bundle ${BUNDLE_DIR}/index.js is missing: run 'npm run build:lib' (npm ci runs it through 'prepare')`);
    }
    // The handlers' and the waiter's logs, KMS-encrypted with a key of their own; both retained.
    const logKey = createManagedKey(this, 'LogKey', { description: `Encrypts the logs of the SageMaker constructs custom-resource provider of ${Stack.of(this).stackName}`, removalPolicy: RemovalPolicy.RETAIN });
    allowCloudWatchLogs(logKey);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: logKey });
    // Each custom resource waits for the policy holding what its handler needs (see addToRolePolicy);
    // policies are split by the stack resources they name, so that it waits for nothing it does not use.
    this.handlerRole = new LeastPrivilegeRole(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the SageMaker constructs custom-resource handlers',
      poolByReferences: true,
    });
    const logging = this.handlerRole.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}:*`] }));
    const code = lambda.Code.fromAsset(BUNDLE_DIR);
    const fn = (name: string, handler: string) => {
      const f = new lambda.Function(this, name, {
        description: `SageMaker constructs custom resources (${handler})`,
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        code,
        handler,
        role: this.handlerRole.role,
        timeout: Duration.minutes(5),
        memorySize: 256,
        logGroup,
      });
      // Only on the role and its logging: not on what custom resources add later (a function that
      // waited for the whole role would make every custom resource wait for, e.g., the Studio domain).
      f.node.addDependency(this.handlerRole.role, logging);
      return f;
    };
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: fn('OnEvent', 'index.onEvent'),
      isCompleteHandler: fn('IsComplete', 'index.isComplete'),
      queryInterval: Duration.seconds(30),
      // below the custom resources' ServiceTimeout (CloudFormation waits at most an hour for one)
      totalTimeout: PROVIDER_TOTAL_TIMEOUT,
      logGroup,
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.serviceToken = provider.serviceToken;
    traceWaiter(this);
    acknowledgeProviderFindings(this);
  }

  /**
   * A grantee for what the handlers need to serve one custom resource: grant it (`grant*()` or
   * `addToPrincipalPolicy`), and call `dependOn(resource)`; the custom resource then waits for
   * exactly those permissions, and is deleted while they still hold.
   */
  public grantsFor(): HandlerGrants {
    return new HandlerGrants(this.handlerRole);
  }
}

/**
 * The provider role's permissions for one custom resource (see `HandlerProvider.grantsFor`).
 * Statements go to the provider's role; the resource depends on the policies that hold them.
 */
export class HandlerGrants implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;
  private readonly policies: IDependable[] = [];
  private readonly resources: IConstruct[] = [];

  constructor(private readonly role: LeastPrivilegeRole) {
    this.assumeRoleAction = role.role.assumeRoleAction;
    this.principalAccount = role.role.principalAccount;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.role.policyFragment;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const policy = this.role.addToPolicy(statement);
    this.policies.push(policy);
    for (const r of this.resources) r.node.addDependency(policy);
    return { statementAdded: true, policyDependable: policy };
  }

  /** Makes `resource` wait for every permission granted here, before and after this call. */
  public dependOn(resource: IConstruct): void {
    this.resources.push(resource);
    for (const p of this.policies) resource.node.addDependency(p);
  }
}

/**
 * What a custom-resource provider cannot meet, acknowledged on its own resources with the reason.
 * The framework functions and state machine are aws-cdk-lib's code.
 */
function acknowledgeProviderFindings(provider: Construct): void {
  const lambdaReasons: Array<[string, string]> = [
    ['HIPAA.Security::HIPAA.Security-LambdaConcurrency', 'A CloudFormation custom-resource handler runs only during deployments, a few invocations at a time; reserving concurrency would take capacity from the account for no benefit and fails in accounts at the unreserved minimum.'],
    ['NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency', 'A CloudFormation custom-resource handler runs only during deployments, a few invocations at a time; reserving concurrency would take capacity from the account for no benefit.'],
    ['PCI.DSS.321::PCI.DSS.321-LambdaConcurrency', 'A CloudFormation custom-resource handler runs only during deployments, a few invocations at a time; reserving concurrency would take capacity from the account for no benefit.'],
    ['HIPAA.Security::HIPAA.Security-LambdaDLQ', 'Invoked synchronously by the CloudFormation provider framework, which reports failures to CloudFormation; an asynchronous dead-letter queue never receives anything.'],
    ['NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ', 'Invoked synchronously by the CloudFormation provider framework, which reports failures to CloudFormation; an asynchronous dead-letter queue never receives anything.'],
    ['HIPAA.Security::HIPAA.Security-LambdaInsideVPC', 'The handler only calls AWS control-plane APIs and the CloudFormation response URL; it touches no data in a VPC.'],
    ['NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC', 'The handler only calls AWS control-plane APIs and the CloudFormation response URL; it touches no data in a VPC.'],
    ['PCI.DSS.321::PCI.DSS.321-LambdaInsideVPC', 'The handler only calls AWS control-plane APIs and the CloudFormation response URL; it touches no data in a VPC.'],
  ];
  const inlineReasons: Array<[string, string]> = [
    ['HIPAA.Security::HIPAA.Security-IAMNoInlinePolicy', "aws-cdk-lib's custom-resource provider framework writes the invoke permissions of its own functions inline; they name only this provider's functions."],
    ['NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy', "aws-cdk-lib's custom-resource provider framework writes the invoke permissions of its own functions inline; they name only this provider's functions."],
    ['PCI.DSS.321::PCI.DSS.321-IAMNoInlinePolicy', "aws-cdk-lib's custom-resource provider framework writes the invoke permissions of its own functions inline; they name only this provider's functions."],
  ];
  // Rules every function and the framework's inline policies of this provider break
  // for the same reason: acknowledged once, on the provider construct that holds exactly them.
  for (const [id, reason] of [...lambdaReasons, ...inlineReasons]) Validations.of(provider).acknowledge({ id, reason });
  for (const c of provider.node.findAll()) {
    const type = (c as { cfnResourceType?: string }).cfnResourceType;
    // the handler functions and the framework's: cfn-guard's waiver travels in their metadata
    if (c instanceof CfnResource && type === 'AWS::Lambda::Function') waiveGuardRules(c, { lambda_inside_vpc_check: LAMBDA_OUTSIDE_VPC });
    if (!(c instanceof CfnResource) || !c.node.path.includes('/Provider/')) continue;
    if (type === 'AWS::IAM::Role') {
      acknowledgeGranularFindings(c, rules.iam.IAMNoManagedPolicies, 'AwsSolutions::AwsSolutions-IAM4', (f) => f.includes('AWSLambdaBasicExecutionRole')
        ? "aws-cdk-lib's provider framework functions use AWSLambdaBasicExecutionRole (CloudWatch Logs writes only); the framework offers no way to replace it."
        : undefined);
    }
    if (type === 'AWS::IAM::Policy') {
      acknowledgeGranularFindings(c, rules.iam.IAMNoWildcardPermissions, 'AwsSolutions::AwsSolutions-IAM5', (f) => /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/.test(f)
        ? "The provider framework invokes any version of this provider's own functions (function ARN + ':*'); nothing else."
        : f === 'Resource::*'
          ? 'The waiter state machine delivers its execution logs through CloudWatch Logs vended-log delivery, and its X-Ray traces: those actions (logs:CreateLogDelivery, logs:PutResourcePolicy, ..., xray:PutTraceSegments, xray:GetSamplingRules, ...) IAM authorizes only on *.'
          : undefined);
    }
  }
}

const LAMBDA_OUTSIDE_VPC = 'Custom-resource handler of the SageMaker constructs (or aws-cdk-lib\'s provider framework): it runs only during deployments and calls only AWS control-plane APIs and the CloudFormation response URL, never data in a VPC. Attaching it to a VPC would need a NAT gateway or interface endpoints (CloudFormation, Lambda, Step Functions, SageMaker, S3, ...) in every stack.';

/**
 * Turns on X-Ray tracing for the provider framework's waiter state machine (aws-cdk-lib offers no
 * option for it), with the trace-writing permissions on its role.
 */
function traceWaiter(provider: Construct): void {
  for (const c of provider.node.findAll()) {
    if (c instanceof sfn.CfnStateMachine) c.tracingConfiguration = { enabled: true };
    if (c instanceof iam.Role && c.node.path.includes('/waiter-state-machine/')) {
      c.addToPrincipalPolicy(new iam.PolicyStatement({
        // X-Ray authorizes these only on '*'
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
        resources: ['*'],
      }));
    }
  }
}
