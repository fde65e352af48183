import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  DataBucket, Endpoint, GrantFindings, InstanceType, LatestApprovedModelPackage, Model, ModelData, ModelRegistry, S3Location,
  StudioDomain, StudioVpcEndpointAccess,
} from 'sagemaker-lifecycle-constructs';
import { ML_ENV, REGISTRY_NAME, SHARED_BUCKET_NAME, XGBOOST } from './shared';

/**
 * A second composition: Studio in a VPC that other teams' workloads already use (imported by its
 * attributes), a user profile with a role of its own, and a model in that VPC.
 */
export class ConsumerSharedVpcStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'SharedVpc', {
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      vpcCidrBlock: '10.20.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      isolatedSubnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      isolatedSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60001', 'rtb-0a1b2c3d4e5f60002'],
    });
    // The endpoints answer for the whole VPC (private DNS): they accept HTTPS from its CIDR too.
    const studio = new StudioDomain(this, 'Studio', { vpc, vpcEndpointAccess: StudioVpcEndpointAccess.VPC_CIDR });

    // A data scientist with a role of her own: it gets what the domain's role gets for Studio.
    const caraRole = new iam.Role(this, 'CaraRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'Studio execution role of cara, owned by the app',
    });
    const cara = studio.addUserProfile('cara', { executionRole: caraRole });
    studio.addUserProfile('dev');
    // The resource wildcards the library's grants need on a role of ours, acknowledged finding by finding.
    GrantFindings.acknowledgeResourceWildcards(cara);

    // A model in the shared VPC, network-isolated, reading an artifact of the team bucket.
    const data = new DataBucket(this, 'TeamData');
    const model = new Model(this, 'InVpc', {
      containers: [{ image: XGBOOST, modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'models/churn/model.tar.gz')) }],
      vpc,
      securityGroups: [studio.securityGroup],
      networkIsolation: true,
    });
    new Endpoint(this, 'InVpcEndpoint', {
      variants: [{ variantName: 'main', model, instanceType: InstanceType.ML_M5_LARGE }],
    });
  }
}

/**
 * The serving account: deploys the newest approved version of the registry the ML account shares
 * with it (`grantCrossAccount('444455556666')` in the data stack).
 */
export class ConsumerServingAccountStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const artifactsKey = kms.Key.fromKeyArn(this, 'ArtifactsKey', `arn:aws:kms:${ML_ENV.region}:${ML_ENV.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    const artifacts = DataBucket.fromBucketAttributes(this, 'Artifacts', { bucketName: SHARED_BUCKET_NAME, encryptionKey: artifactsKey });
    const registry = ModelRegistry.fromModelRegistryAttributes(this, 'SharedRegistry', {
      modelPackageGroupArn: `arn:aws:sagemaker:${ML_ENV.region}:${ML_ENV.account}:model-package-group/${REGISTRY_NAME}`,
      artifactsBucket: artifacts,
      artifactsPrefix: 'pipelines/',
    });
    const latest = new LatestApprovedModelPackage(this, 'Latest', { registry });
    const model = new Model(this, 'Approved', { containers: [{ modelPackageArn: latest.modelPackageArn }] });
    new Endpoint(this, 'Serving', {
      variants: [{ variantName: 'approved', model, instanceType: InstanceType.ML_M5_LARGE, initialInstanceCount: 2 }],
    });
  }
}
