import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { AssetLocation } from './private/asset-location';
import { ProcessingInput, ProcessingResources, ProcessingSpec, ProcessingUploadMode } from './processing-spec';
import { ContainerImage } from '../core/container-image';
import { JobNetworkOptions } from '../core/network';
import { S3Location } from '../core/s3-location';
import { describeValue, SageMakerConstructError } from '../private/errors';

/** A data source a Data Wrangler flow reads. */
export interface DataWranglerSource {
  /** The source's name in the flow (its dataset name): the input is mounted at `/opt/ml/processing/<name>`. */
  readonly name: string;
  /** Where the data is. */
  readonly location: S3Location;
}

/** Properties of a DataWranglerFlowSpec. */
export interface DataWranglerFlowSpecProps {
  /**
   * The exported `.flow` file, from a local path (uploaded as an asset).
   * @default - give `flowLocation`
   */
  readonly flowFile?: string;
  /**
   * The `.flow` file in S3.
   * @default - give `flowFile`
   */
  readonly flowLocation?: S3Location;
  /** The data sources the flow reads, named as in the flow. */
  readonly sources: DataWranglerSource[];
  /** The id of the flow's node whose result to write (the `node_id` of the exported job). */
  readonly outputNodeId: string;
  /** Where the result goes. */
  readonly outputLocation: S3Location;
  /** The job's compute. */
  readonly resources: ProcessingResources;
  /**
   * The Data Wrangler container version.
   * @default - the newest the image table lists ('3.x')
   */
  readonly imageVersion?: string;
  /**
   * Stop the job after this long.
   * @default Duration.hours(2)
   */
  readonly maxRuntime?: Duration;
  /**
   * Network settings.
   * @default - no VPC
   */
  readonly network?: JobNetworkOptions;
  /**
   * Tags of the job.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * A processing job that runs a flow exported from SageMaker Data Wrangler (or Canvas's data
 * preparation) with the Data Wrangler container, laid out as the job Data Wrangler exports: the
 * `.flow` file as the `flow` input at `/opt/ml/processing/flow`, each data source at
 * `/opt/ml/processing/<name>`, and the output node's result as `<node id>.default` from
 * `/opt/ml/processing/output`. Run it at deploy time (`ProcessingJob`) or as a pipeline
 * `ProcessingStep`, like any processing spec.
 */
export class DataWranglerFlowSpec extends ProcessingSpec {
  constructor(private readonly flowProps: DataWranglerFlowSpecProps) {
    super({
      image: ContainerImage.dataWrangler(flowProps.imageVersion),
      inputs: flowProps.sources.map((s) => ({ name: s.name, location: s.location, destination: `/opt/ml/processing/${s.name}` })),
      outputs: [{ name: `${flowProps.outputNodeId}.default`, location: flowProps.outputLocation, source: '/opt/ml/processing/output', uploadMode: ProcessingUploadMode.END_OF_JOB }],
      resources: flowProps.resources,
      maxRuntime: flowProps.maxRuntime ?? Duration.hours(2),
      network: flowProps.network,
      tags: flowProps.tags,
    });
  }

  /** The inputs: the data sources and the flow file. */
  public inputsIn(scope: Construct): ProcessingInput[] {
    return [...super.inputsIn(scope), { name: 'flow', location: this.flowLocationIn(scope), destination: '/opt/ml/processing/flow' }];
  }

  private flowLocationIn(scope: Construct): S3Location {
    const p = this.flowProps;
    if ((p.flowFile === undefined) === (p.flowLocation === undefined)) {
      throw new SageMakerConstructError(scope, `a Data Wrangler flow needs exactly one of flowFile and flowLocation, got ${p.flowFile ? 'both' : 'neither'}`);
    }
    if (p.flowLocation) return p.flowLocation;
    const file = p.flowFile!;
    if (!file.endsWith('.flow') || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      throw new SageMakerConstructError(scope, `flowFile ${describeValue(file)} is not a .flow file: export the flow from Data Wrangler and pass its path`);
    }
    try {
      const flow = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes?: Array<{ node_id?: string }> };
      const ids = (flow.nodes ?? []).map((n) => n.node_id);
      if (ids.length && !ids.includes(p.outputNodeId)) {
        throw new SageMakerConstructError(scope, `outputNodeId ${describeValue(p.outputNodeId)} is not a node of ${path.basename(file)}: use one of ${ids.join(', ')}`);
      }
    } catch (e) {
      if (e instanceof SageMakerConstructError) throw e;
      throw new SageMakerConstructError(scope, `flowFile ${describeValue(file)} is not JSON: a .flow file is the JSON Data Wrangler exports`);
    }
    const id = `Flow${path.basename(file).replace(/[^A-Za-z0-9]/g, '')}`;
    const asset = (scope.node.tryFindChild(id) as s3_assets.Asset | undefined) ?? new s3_assets.Asset(scope, id, { path: file });
    return new AssetLocation(asset);
  }
}
