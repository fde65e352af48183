// The EMR step: a Hadoop JAR step on an EMR cluster (a running one, or one the step creates), as
// the SageMaker Python SDK's EMRStep renders it.
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { stepProperty } from './expressions';
import { prune } from '../private/job-render';
import { describeValue } from '../private/errors';
import { CacheOptions, RenderContext, Step, StepOptions } from './step';
import { basePolicies, hasExpression, renderCache } from './private/step-policies';
import type { StepBody } from './private/step-render';

/** A Hadoop JAR step (EMR's `StepConfig.HadoopJarStep`). */
export interface EmrStepConfig {
  /** The JAR to run: an S3 URI (`s3://...`) or a path on the cluster (`command-runner.jar`). */
  readonly jar: string;
  /**
   * Command-line arguments of the JAR's main function.
   * @default - none
   */
  readonly args?: string[];
  /**
   * The main class, when the JAR's manifest names none.
   * @default - the manifest's Main-Class
   */
  readonly mainClass?: string;
  /**
   * Java properties set when the step runs (rendered as a list of Key/Value pairs, in this order).
   * @default - none
   */
  readonly properties?: { [key: string]: string };
}

/**
 * A cluster the step creates (EMR's RunJobFlow), which EMR terminates when the step is done.
 */
export interface EmrClusterConfig {
  /**
   * The RunJobFlow request members, as the EMR API spells them: `ReleaseLabel`, `Applications`,
   * `Instances` (with exactly one of `InstanceGroups` and `InstanceFleets`), `Configurations`,
   * `LogUri`, `SecurityConfiguration`, `Tags`... The step sets the cluster's name and steps, and
   * EMR terminates the cluster after the step, so `Name`, `Steps`, `AutoTerminationPolicy`,
   * `Instances.KeepJobFlowAliveWhenNoSteps` and `Instances.TerminationProtected` are refused (as
   * by the SDK), and so are the roles (`ServiceRole`, `JobFlowRole`, `AutoScalingRole`), which are
   * the typed props below.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii: the RunJobFlow request (nested structures, lists, numbers) is JSON
  readonly request: { [member: string]: any };
  /** The EMR service role (`ServiceRole`); the pipeline may pass it. */
  readonly serviceRole: iam.IRole;
  /**
   * The instance profile of the cluster's EC2 instances (`JobFlowRole`); the pipeline may pass its
   * role, which it must therefore know (an imported profile: `InstanceProfile.fromInstanceProfileAttributes` with `role`).
   */
  readonly instanceProfile: iam.IInstanceProfile;
  /**
   * The automatic scaling role (`AutoScalingRole`); the pipeline may pass it.
   * @default - none
   */
  readonly autoScalingRole?: iam.IRole;
}

/** Properties of an EmrStep. */
export interface EmrStepProps extends StepOptions {
  /** The step to run on the cluster. */
  readonly stepConfig: EmrStepConfig;
  /**
   * The id of a running cluster (`j-...`), or a pipeline parameter's value. Exactly one of
   * clusterId and clusterConfig.
   * @default - none: clusterConfig creates a cluster
   */
  readonly clusterId?: string;
  /**
   * A cluster the step creates and EMR terminates after it. Exactly one of clusterId and clusterConfig.
   * @default - none: the step runs on clusterId
   */
  readonly clusterConfig?: EmrClusterConfig;
  /**
   * The runtime role the step's job on the cluster assumes (`ExecutionRoleArn`): only with
   * clusterId, on a cluster with runtime roles enabled. The pipeline may pass it.
   * @default - the cluster's instance profile
   */
  readonly executionRole?: iam.IRole;
  /**
   * Reuse results of unchanged arguments.
   * @default - no caching
   */
  readonly cache?: CacheOptions;
}

/** RunJobFlow members the SDK refuses in a cluster config: the step sets them, or they keep the cluster alive. */
const FORBIDDEN_CLUSTER_MEMBERS = ['Name', 'AutoTerminationPolicy', 'Steps'];
const FORBIDDEN_INSTANCES_MEMBERS = ['KeepJobFlowAliveWhenNoSteps', 'TerminationProtected'];
/** Members the typed props render. */
const ROLE_MEMBERS: Record<string, string> = { ServiceRole: 'serviceRole', JobFlowRole: 'instanceProfile', AutoScalingRole: 'autoScalingRole' };

/**
 * Runs a Hadoop JAR step on an Amazon EMR cluster: a running one (`clusterId`) or one the step
 * creates from `clusterConfig` and EMR terminates after it. The pipeline's role is granted
 * AddJobFlowSteps, DescribeStep and CancelSteps on the cluster (RunJobFlow, DescribeCluster and
 * TerminateJobFlows as well for a new cluster) and may pass the roles the step names.
 */
export class EmrStep extends Step {
  public readonly type = 'EMR';
  constructor(name: string, private readonly props: EmrStepProps) {
    super(name, basePolicies(props));
  }

  /** The EMR step's id (`s-...`), from EMR's DescribeStep. */
  public get emrStepId(): string {
    return stepProperty(this, 'Id').asString;
  }

  /** The EMR step's name, which the pipeline sets. */
  public get emrStepName(): string {
    return stepProperty(this, 'Name').asString;
  }

  /** The EMR step's state (`COMPLETED`, `FAILED`...). */
  public get state(): string {
    return stepProperty(this, 'Status.State').asString;
  }

  /** Why the EMR step failed (`Status.FailureDetails.Reason`). */
  public get failureReason(): string {
    return stepProperty(this, 'Status.FailureDetails.Reason').asString;
  }

  /** The failure's message (`Status.FailureDetails.Message`). */
  public get failureMessage(): string {
    return stepProperty(this, 'Status.FailureDetails.Message').asString;
  }

  /** The log file where EMR found the failure (`Status.FailureDetails.LogFile`). */
  public get failureLogFile(): string {
    return stepProperty(this, 'Status.FailureDetails.LogFile').asString;
  }

  /** @internal */
  public _render(ctx: RenderContext): StepBody {
    if (this.props.retryPolicies?.length) {
      ctx.problems.add(`step '${this.name}' is an EMR step with ${this.props.retryPolicies.length} retry ${this.props.retryPolicies.length === 1 ? 'policy' : 'policies'}: SageMaker does not retry EMR steps (the SDK's EMRStep takes none); remove retryPolicies`);
    }
    return prune({ ...super._render(ctx), CacheConfig: renderCache(ctx, this.name, this.props.cache) });
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    const p = this.props;
    const problems = ctx.problems;
    const stack = Stack.of(ctx.scope);
    const pipeline = ctx.pipelineGrantee.grantPrincipal;
    const at = `step '${this.name}'`;
    if (p.clusterId === undefined && p.clusterConfig === undefined) {
      problems.add(`${at} has neither clusterId nor clusterConfig: pass exactly one (the id of a running cluster, or the cluster to create)`);
    }
    if (p.clusterId !== undefined && p.clusterConfig !== undefined) {
      problems.add(`${at} has both clusterId ${describeValue(p.clusterId)} and clusterConfig: pass exactly one (the SDK's EMRStep needs cluster_id None with a cluster_config)`);
    }
    if (p.executionRole && p.clusterId === undefined) {
      problems.add(`${at} has an executionRole without clusterId: a runtime role is passed to AddJobFlowSteps on a running cluster only; drop executionRole or run on clusterId`);
    }
    if (p.clusterId !== undefined && !Token.isUnresolved(p.clusterId) && (p.clusterId.length < 1 || p.clusterId.length > 256)) {
      problems.add(`${at} has clusterId ${describeValue(p.clusterId)}: use a cluster id of 1-256 characters (e.g. 'j-2AXXXXXXGAPLF')`);
    }
    const stepConfig = this.renderStepConfig(ctx);

    const actions = ['elasticmapreduce:AddJobFlowSteps', 'elasticmapreduce:DescribeStep', 'elasticmapreduce:CancelSteps'];
    if (p.clusterConfig) {
      // The cluster is created at run time: its id is not known here.
      const config = this.renderClusterConfig(ctx, p.clusterConfig);
      pipeline.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['elasticmapreduce:RunJobFlow'], resources: ['*'] }));
      pipeline.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: [...actions, 'elasticmapreduce:DescribeCluster', 'elasticmapreduce:TerminateJobFlows', ...(config?.Tags ? ['elasticmapreduce:AddTags'] : [])],
        resources: [stack.formatArn({ service: 'elasticmapreduce', resource: 'cluster', resourceName: '*' })],
      }));
      return { Arguments: prune({ StepConfig: stepConfig, ClusterConfig: config }) };
    }
    if (p.clusterId !== undefined) {
      // A cluster id that is a pipeline parameter is known at run time only.
      const cluster = hasExpression(p.clusterId) ? '*' : p.clusterId;
      pipeline.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [stack.formatArn({ service: 'elasticmapreduce', resource: 'cluster', resourceName: cluster })] }));
    }
    if (p.executionRole) {
      pipeline.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [p.executionRole.roleArn] }));
    }
    return { Arguments: prune({ StepConfig: stepConfig, ClusterId: p.clusterId, ExecutionRoleArn: p.executionRole?.roleArn }) };
  }

  private renderStepConfig(ctx: RenderContext): Record<string, unknown> {
    const c = this.props.stepConfig;
    if (!Token.isUnresolved(c.jar) && (c.jar.length < 1 || c.jar.length > 10280)) {
      ctx.problems.add(`the stepConfig of step '${this.name}' has jar ${describeValue(c.jar)}: use the S3 URI or cluster path of a JAR, 1-10280 characters`);
    }
    return {
      HadoopJarStep: prune({
        Jar: c.jar,
        Args: c.args,
        MainClass: c.mainClass,
        Properties: c.properties ? Object.entries(c.properties).map(([Key, Value]) => ({ Key, Value })) : undefined,
      }),
    };
  }

  private renderClusterConfig(ctx: RenderContext, c: EmrClusterConfig): Record<string, unknown> | undefined {
    const at = `the clusterConfig of step '${this.name}'`;
    const problems = ctx.problems;
    const request = c.request ?? {};
    const known = problems.length;
    const members = Object.keys(request);
    const forbidden = members.filter((m) => FORBIDDEN_CLUSTER_MEMBERS.includes(m));
    if (forbidden.length) {
      problems.add(`${at} sets ${forbidden.join(', ')}: the step names the cluster, adds its one step and EMR terminates the cluster after it, so Name, AutoTerminationPolicy and Steps are not allowed (as in the SDK's EMRStep)`);
    }
    const roles = members.filter((m) => m in ROLE_MEMBERS);
    if (roles.length) {
      problems.add(`${at} sets ${roles.join(', ')} in its request: pass ${roles.map((r) => ROLE_MEMBERS[r]).join(', ')} instead, so the pipeline is granted to pass ${roles.length === 1 ? 'it' : 'them'}`);
    }
    const instances = request.Instances;
    if (instances === undefined || instances === null || typeof instances !== 'object' || Array.isArray(instances)) {
      problems.add(`${at} has ${instances === undefined ? 'no Instances' : `Instances ${describeValue(instances)}`}: RunJobFlow's Instances object is required, with InstanceGroups or InstanceFleets`);
    } else {
      const kept = FORBIDDEN_INSTANCES_MEMBERS.filter((m) => m in instances);
      if (kept.length) {
        problems.add(`${at} sets Instances.${kept.join(' and Instances.')}: the cluster ends with its step, so KeepJobFlowAliveWhenNoSteps and TerminationProtected are not allowed (as in the SDK's EMRStep)`);
      }
      const groups = 'InstanceGroups' in instances;
      const fleets = 'InstanceFleets' in instances;
      if (groups === fleets) {
        problems.add(`${at} has ${groups ? 'both InstanceGroups and InstanceFleets' : 'neither InstanceGroups nor InstanceFleets'} in Instances: use exactly one`);
      }
    }
    const profileRole = c.instanceProfile.role;
    if (!profileRole) {
      problems.add(`${at} has an instance profile without a known role (${describeValue(c.instanceProfile.instanceProfileName)}): the pipeline passes that role to EMR; import the profile with InstanceProfile.fromInstanceProfileAttributes({ instanceProfileArn, role })`);
    }
    if (problems.length > known) return undefined;
    const passed = [c.serviceRole, profileRole!, ...(c.autoScalingRole ? [c.autoScalingRole] : [])];
    ctx.pipelineGrantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: passed.map((r) => r.roleArn) }));
    return {
      ...request,
      ServiceRole: c.serviceRole.roleArn,
      JobFlowRole: c.instanceProfile.instanceProfileName,
      AutoScalingRole: c.autoScalingRole?.roleArn,
    };
  }
}
