import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Token } from 'aws-cdk-lib';
import type { JobSecretReference } from '../private/contracts/sagemaker-job';

/**
 * A secret value for an environment variable of a deploy-time job (`TrainingJob`,
 * `HyperparameterTuningJob`): a Secrets Manager secret (or one JSON key of it) or an SSM
 * parameter (SecureString included). The template and the custom resource's properties hold only
 * the reference (the provider framework logs those properties on every event and poll); the handler
 * reads the value when it creates the job, and the provider's role may read exactly that secret.
 *
 * The value is then in the job's `Environment`, as SageMaker keeps it: visible to whoever may
 * `DescribeTrainingJob`. A rotated secret is read again only when the job runs again (a changed
 * spec or `runId`).
 */
export abstract class JobSecret {
  /**
   * The secret's `SecretString`, or the string at `jsonKey` when the secret is a JSON object.
   * @param jsonKey a top-level key of the secret's JSON object
   */
  public static fromSecretsManager(secret: secretsmanager.ISecret, jsonKey?: string): JobSecret {
    return new SecretsManagerSecret(secret, jsonKey);
  }

  /**
   * The value of an SSM parameter, read with decryption. For a SecureString encrypted with a key of
   * yours, import it with `StringParameter.fromSecureStringParameterAttributes` and its
   * `encryptionKey`, so the provider may decrypt it.
   */
  public static fromSsmParameter(parameter: ssm.IParameter): JobSecret {
    return new SsmParameterSecret(parameter);
  }

  /** Where the value comes from, for messages. */
  public abstract readonly description: string;

  /** @internal The reference the handler reads (without the variable name), granting `grantee` the read. */
  public abstract _bind(grantee: iam.IGrantable): Omit<JobSecretReference, 'Name'>;
}

class SecretsManagerSecret extends JobSecret {
  public readonly description: string;
  constructor(private readonly secret: secretsmanager.ISecret, private readonly jsonKey?: string) {
    super();
    this.description = `the Secrets Manager secret ${Token.isUnresolved(secret.secretArn) ? secret.node.path : secret.secretArn}${jsonKey === undefined ? '' : ` (key ${jsonKey})`}`;
  }

  public _bind(grantee: iam.IGrantable): Omit<JobSecretReference, 'Name'> {
    // secretsmanager:GetSecretValue and DescribeSecret on this secret, and decrypt with its key.
    this.secret.grantRead(grantee);
    return { SecretArn: this.secret.secretArn, ...(this.jsonKey === undefined ? {} : { JsonKey: this.jsonKey }) };
  }
}

class SsmParameterSecret extends JobSecret {
  public readonly description: string;
  constructor(private readonly parameter: ssm.IParameter) {
    super();
    this.description = `the SSM parameter ${Token.isUnresolved(parameter.parameterName) ? parameter.node.path : parameter.parameterName}`;
  }

  public _bind(grantee: iam.IGrantable): Omit<JobSecretReference, 'Name'> {
    // ssm:GetParameter(s) on this parameter, and decrypt with its key when it has one.
    this.parameter.grantRead(grantee);
    return { ParameterName: this.parameter.parameterName };
  }
}
