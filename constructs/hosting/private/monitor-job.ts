import type { CfnDataQualityJobDefinition } from 'aws-cdk-lib/aws-sagemaker';

/** What every monitoring job definition shares (the data quality shapes; the others are the same). */
export interface MonitorJobCommon {
  readonly endpointName: string;
  readonly roleArn: string;
  readonly stoppingCondition: CfnDataQualityJobDefinition.StoppingConditionProperty;
  readonly jobResources: CfnDataQualityJobDefinition.MonitoringResourcesProperty;
  readonly outputConfig: CfnDataQualityJobDefinition.MonitoringOutputConfigProperty;
  readonly endpointInput: CfnDataQualityJobDefinition.EndpointInputProperty;
}
