import { RemovalPolicy } from 'aws-cdk-lib';

/** Typed settings of one copy (stage) of the sample lifecycle environment. */
export interface LifecycleConfig {
  /** Short stage name used in stack and resource names, e.g. `dev`: 1-20 lower-case letters, digits or hyphens. */
  readonly stage: string;
  /**
   * `retain` keeps data, keys and registries when the stack is deleted (the default and the only
   * safe choice for real data); `destroy` deletes them, for throw-away environments.
   */
  readonly retention: 'retain' | 'destroy';
  /**
   * `standard`: VPC-only Studio with its interface endpoints, a real-time endpoint with data
   * capture, autoscaling and an hourly data-quality monitor. `lean`, for learning and development:
   * Studio on SageMaker's internet (no interface endpoints), a serverless endpoint, no always-on
   * monitoring; it idles under $5 a month.
   */
  readonly profile: 'standard' | 'lean';
  /**
   * Where alarm notifications go.
   * @default - no subscription: subscribe to the alerts topic yourself
   */
  readonly alertEmail?: string;
  /**
   * A notebook instance (`ml.t3.medium`, stopping after an hour idle) in the Studio VPC.
   * @default false
   */
  readonly notebook?: boolean;
  /**
   * A Ground Truth private workforce (Cognito) with one work team and no members. Off by default:
   * an account has one private workforce per region, so only one copy of the sample can have it.
   * @default false
   */
  readonly labeling?: boolean;
}

export const DEFAULT_CONFIG: LifecycleConfig = {
  stage: 'dev',
  retention: 'retain',
  profile: 'standard',
  notebook: false,
  labeling: false,
};

/** Reads the config from CDK context (`-c stage=prod -c retention=retain`), validated. */
export function configFromContext(get: (key: string) => unknown): LifecycleConfig {
  const stage = String(get('stage') ?? DEFAULT_CONFIG.stage);
  const retention = String(get('retention') ?? DEFAULT_CONFIG.retention);
  const profile = String(get('profile') ?? DEFAULT_CONFIG.profile);
  const alertEmail = get('alertEmail') === undefined ? undefined : String(get('alertEmail'));
  const flag = (key: string): boolean => {
    const value = get(key);
    if (value === undefined || value === false || value === 'false') return false;
    if (value === true || value === 'true') return true;
    throw new Error(`invalid context ${key} '${String(value)}': use 'true' or 'false'`);
  };
  const notebook = flag('notebook');
  const labeling = flag('labeling');
  if (!/^[a-z0-9](-?[a-z0-9]){0,19}$/.test(stage)) {
    throw new Error(`invalid context stage '${stage}': use 1-20 lower-case letters, digits or single hyphens`);
  }
  if (retention !== 'retain' && retention !== 'destroy') {
    throw new Error(`invalid context retention '${retention}': use 'retain' or 'destroy'`);
  }
  if (profile !== 'standard' && profile !== 'lean') {
    throw new Error(`invalid context profile '${profile}': use 'standard' or 'lean'`);
  }
  if (alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alertEmail)) {
    throw new Error(`invalid context alertEmail '${alertEmail}': use an e-mail address`);
  }
  return { stage, retention, profile, alertEmail, notebook, labeling };
}

export function removalPolicyOf(config: LifecycleConfig): RemovalPolicy {
  return config.retention === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}
