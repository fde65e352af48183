import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { describeValue, SageMakerConstructError } from '../private/errors';
import { NOTEBOOK_INSTANCE_TYPES } from '../private/notebook-instance-types';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const JOBS: { training: string[]; processing: string[]; transform: string[]; hosting: string[] } = require('../private/instance-types.json');
const KNOWN: Record<InstanceUse, readonly string[]> = { ...JOBS, notebook: NOTEBOOK_INSTANCE_TYPES };

/** What an instance runs: each SageMaker API accepts its own list of instance types. */
export enum InstanceUse {
  /** Training and tuning jobs (`TrainingInstanceType`). */
  TRAINING = 'training',
  /** Processing jobs (`ProcessingInstanceType`). */
  PROCESSING = 'processing',
  /** Batch transform jobs (`TransformInstanceType`). */
  TRANSFORM = 'transform',
  /** Endpoint variants (`ProductionVariantInstanceType`). */
  HOSTING = 'hosting',
  /** Notebook instances (`InstanceType` of CreateNotebookInstance). */
  NOTEBOOK = 'notebook',
}

/**
 * A SageMaker ML instance type, e.g. `InstanceType.of('ml.m5.xlarge')`. Checked at synth against
 * the instance types the SageMaker API model lists for each use (training, processing, transform,
 * hosting); `InstanceType.unlisted()` skips that check for types newer than the model.
 */
export class InstanceType {
  /** ml.m5.large: 2 vCPU, 8 GiB. */
  public static readonly ML_M5_LARGE = new InstanceType('ml.m5.large', true);
  /** ml.m5.xlarge: 4 vCPU, 16 GiB. */
  public static readonly ML_M5_XLARGE = new InstanceType('ml.m5.xlarge', true);
  /** ml.m5.2xlarge: 8 vCPU, 32 GiB. */
  public static readonly ML_M5_2XLARGE = new InstanceType('ml.m5.2xlarge', true);
  /** ml.m5.4xlarge: 16 vCPU, 64 GiB. */
  public static readonly ML_M5_4XLARGE = new InstanceType('ml.m5.4xlarge', true);
  /** ml.c5.xlarge: 4 vCPU, 8 GiB. */
  public static readonly ML_C5_XLARGE = new InstanceType('ml.c5.xlarge', true);
  /** ml.c5.2xlarge: 8 vCPU, 16 GiB. */
  public static readonly ML_C5_2XLARGE = new InstanceType('ml.c5.2xlarge', true);
  /** ml.t2.medium: 2 vCPU, 4 GiB (hosting only). */
  public static readonly ML_T2_MEDIUM = new InstanceType('ml.t2.medium', true);
  /** ml.g4dn.xlarge: 1 NVIDIA T4 GPU. */
  public static readonly ML_G4DN_XLARGE = new InstanceType('ml.g4dn.xlarge', true);
  /** ml.g5.xlarge: 1 NVIDIA A10G GPU. */
  public static readonly ML_G5_XLARGE = new InstanceType('ml.g5.xlarge', true);
  /** ml.p3.2xlarge: 1 NVIDIA V100 GPU. */
  public static readonly ML_P3_2XLARGE = new InstanceType('ml.p3.2xlarge', true);

  /** An instance type by name, checked against the API model's lists when used. */
  public static of(name: string): InstanceType {
    return new InstanceType(name, true);
  }

  /** An instance type the bundled API model does not list yet (only its `ml.<family>.<size>` shape is checked). */
  public static unlisted(name: string): InstanceType {
    return new InstanceType(name, false);
  }

  private constructor(public readonly name: string, private readonly checked: boolean) {}

  /** Whether the instance has an NVIDIA GPU or an AWS accelerator (p, g, trn, inf families). */
  public get isAccelerated(): boolean {
    return /^ml\.(p\d|g\d|trn\d|inf\d)/.test(this.name);
  }

  /** Throws unless the type is valid for `use`. Tokens pass. */
  public validate(scope: IConstruct, prop: string, use: InstanceUse): string {
    const problem = this._problem(prop, use);
    if (problem) throw new SageMakerConstructError(scope, problem);
    return this.name;
  }

  /**
   * What is wrong with the type for `use`, naming `prop`, or undefined (tokens pass): the form for
   * callers that collect problems.
   * @internal
   */
  public _problem(prop: string, use: InstanceUse): string | undefined {
    if (Token.isUnresolved(this.name)) return undefined;
    if (!/^ml\.[a-z0-9-]+\.[a-z0-9]+$/.test(this.name)) {
      return `invalid ${prop} ${describeValue(this.name)}: use an ML instance type like 'ml.m5.xlarge'`;
    }
    const known = KNOWN[use];
    if (this.checked && !known.includes(this.name)) {
      const family = this.name.split('.')[1];
      const sameFamily = known.filter((t) => t.split('.')[1] === family);
      const hint = sameFamily.length > 0 ? `the ${family} types allowed are ${sameFamily.join(', ')}` : `allowed families: ${[...new Set(known.map((t) => t.split('.')[1]))].join(', ')}`;
      return `invalid ${prop} ${describeValue(this.name)}: not a ${use} instance type (${hint}); for a type newer than the bundled API model use InstanceType.unlisted()`;
    }
    return undefined;
  }

  public toString(): string {
    return this.name;
  }
}
