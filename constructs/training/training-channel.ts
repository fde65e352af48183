import { S3Location } from '../core/s3-location';

/** How a training container receives a channel's data. */
export enum TrainingInputMode {
  /** Downloaded to the instance before training starts. */
  FILE = 'File',
  /** Streamed through a FIFO pipe. */
  PIPE = 'Pipe',
  /** Mounted, streamed on first read (S3 prefix data only). */
  FAST_FILE = 'FastFile',
}

/** Compression of a channel's objects or of the model artifact. */
export enum Compression {
  /** Not compressed. */
  NONE = 'None',
  /** gzip. */
  GZIP = 'Gzip',
}

/** What a channel's S3 URI names. */
export enum S3DataType {
  /** Every object under the prefix. */
  S3_PREFIX = 'S3Prefix',
  /** A manifest file listing the objects. */
  MANIFEST_FILE = 'ManifestFile',
  /** An augmented manifest (JSON lines with labels). */
  AUGMENTED_MANIFEST_FILE = 'AugmentedManifestFile',
}

/** How a channel's objects are spread over the instances of a distributed job. */
export enum S3DataDistribution {
  /** Every instance gets every object. */
  FULLY_REPLICATED = 'FullyReplicated',
  /** Each instance gets a share of the objects. */
  SHARDED_BY_S3_KEY = 'ShardedByS3Key',
}

/** One input channel of a training job. */
export interface TrainingChannel {
  /** The channel name the algorithm expects (e.g. `train`, `validation`): 1-64 of `A-Za-z0-9._-`. */
  readonly name: string;
  /** Where the data is. */
  readonly location: S3Location;
  /**
   * The MIME type of the data, e.g. `text/csv`.
   * @default - none: the algorithm's default
   */
  readonly contentType?: string;
  /**
   * Compression of the objects.
   * @default Compression.NONE
   */
  readonly compression?: Compression;
  /**
   * How the container receives the data.
   * @default - the job's input mode (File)
   */
  readonly inputMode?: TrainingInputMode;
  /**
   * What the URI names.
   * @default S3DataType.S3_PREFIX
   */
  readonly s3DataType?: S3DataType;
  /**
   * How objects are spread over instances.
   * @default S3DataDistribution.FULLY_REPLICATED
   */
  readonly distribution?: S3DataDistribution;
  /**
   * Shuffle the objects with this seed each epoch (Pipe mode, or per copy in File mode).
   * @default - no shuffling
   */
  readonly shuffleSeed?: number;
  /**
   * Wrap records in RecordIO (Pipe mode).
   * @default false
   */
  readonly recordIoWrapper?: boolean;
  /**
   * Accept the end-user license agreement of a gated model the channel reads (a JumpStart model's
   * weights): renders `ModelAccessConfig: { AcceptEula: true }`. Only `true` is meaningful: a
   * channel that reads gated weights without it fails when the job starts.
   * @default - no EULA is accepted
   */
  readonly acceptEula?: boolean;
}
