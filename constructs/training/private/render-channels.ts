import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { describeValue, ProblemList } from '../../private/errors';
import { prune } from '../../private/job-render';
import { S3DataDistribution, S3DataType, TrainingChannel, TrainingInputMode } from '../training-channel';
import { TrainingResources } from '../training-resources';
import type { Channel } from '@aws-sdk/client-sagemaker';

const CHANNEL_NAME = /^[A-Za-z0-9.\-_]+$/;

/** Validates the input channels of a training spec and renders its `InputDataConfig`. */
export function renderChannels(scope: IConstruct, problems: ProblemList, channels: TrainingChannel[], resources: TrainingResources): Channel[] {
  if (channels.length > 20) problems.add(`inputs has ${channels.length} channels: at most 20 are allowed`);
  const seen = new Set<string>();
  for (const c of channels) {
    if (seen.has(c.name)) problems.add(`duplicate channel name ${describeValue(c.name)}: channel names must be unique`);
    seen.add(c.name);
    if (!CHANNEL_NAME.test(c.name) || c.name.length > 64) problems.add(`invalid channel name ${describeValue(c.name)}: use 1-64 letters, digits, '.', '-' or '_'`);
    if (c.inputMode === TrainingInputMode.FAST_FILE && c.s3DataType && c.s3DataType !== S3DataType.S3_PREFIX) {
      problems.add(`channel ${describeValue(c.name)} uses FAST_FILE with ${c.s3DataType}: FastFile mode reads S3 prefixes only`);
    }
    if (c.shuffleSeed !== undefined && !Token.isUnresolved(c.shuffleSeed) && !Number.isInteger(c.shuffleSeed)) problems.add(`channel ${describeValue(c.name)} has shuffleSeed ${c.shuffleSeed}: use a whole number`);
    if (c.distribution === S3DataDistribution.SHARDED_BY_S3_KEY && (resources.instanceCount ?? 1) === 1 && !resources.instanceGroups) {
      problems.add(`channel ${describeValue(c.name)} is SHARDED_BY_S3_KEY on a single instance: sharding needs instanceCount > 1`);
    }
    if (c.acceptEula === false) problems.add(`channel ${describeValue(c.name)} has acceptEula false: SageMaker reads gated weights only when the EULA is accepted; set true to accept it, or leave it out`);
    problems.addIf(c.location._uriProblem(`location of channel '${c.name}'`));
  }
  return channels.map((c) => prune({
    ChannelName: c.name,
    DataSource: {
      S3DataSource: {
        S3DataType: c.s3DataType ?? S3DataType.S3_PREFIX,
        S3Uri: c.location.uri,
        S3DataDistributionType: c.distribution ?? S3DataDistribution.FULLY_REPLICATED,
        ModelAccessConfig: c.acceptEula !== undefined ? { AcceptEula: c.acceptEula } : undefined,
      },
    },
    ContentType: c.contentType,
    CompressionType: c.compression,
    InputMode: c.inputMode,
    RecordWrapperType: c.recordIoWrapper ? 'RecordIO' : undefined,
    ShuffleConfig: c.shuffleSeed !== undefined ? { Seed: c.shuffleSeed } : undefined,
  }));
}
