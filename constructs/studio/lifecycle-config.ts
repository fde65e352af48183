/** The Studio application types that take lifecycle configurations and spaces. */
export enum StudioAppType {
  /** JupyterLab. */
  JUPYTER_LAB = 'JupyterLab',
  /** Code Editor, based on Code-OSS. */
  CODE_EDITOR = 'CodeEditor',
}

/** Options of `addLifecycleConfig`. */
export interface LifecycleConfigOptions {
  /** The application the script runs in. */
  readonly appType: StudioAppType;
  /**
   * The script, inline. Exactly one of `script` and `scriptFile`.
   * @default - none
   */
  readonly script?: string;
  /**
   * A file holding the script, read at synth. Exactly one of `script` and `scriptFile`.
   * @default - none
   */
  readonly scriptFile?: string;
  /**
   * The configuration's name.
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;
  /**
   * Make it the default of `appType` (`DefaultResourceSpec.LifecycleConfigArn`), so every new app
   * runs it; at most one default per app type. Otherwise it is only offered to users, who choose
   * it when they start an app.
   * @default true
   */
  readonly attachByDefault?: boolean;
}
