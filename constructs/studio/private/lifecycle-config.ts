import * as fs from 'fs';
import { Fn, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { describeValue, SageMakerConstructError } from '../../private/errors';
import { checkNow, literal } from '../../private/rules';
import type { LifecycleConfigOptions } from '../lifecycle-config';

/** The most characters SageMaker takes in `StudioLifecycleConfigContent` (the base64-encoded script). */
const MAX_CONTENT_LENGTH = 16384;

/**
 * The script of lifecycle config `id`, inline or read from its file, base64-encoded as
 * `StudioLifecycleConfigContent` wants it. Throws (on `scope`) unless there is exactly one
 * non-empty script that fits once encoded. A script that is a token is encoded by CloudFormation
 * (`Fn::Base64`) and its length checked at deploy; a file must be a literal path, read at synth.
 */
export function lifecycleConfigContent(scope: IConstruct, id: string, options: LifecycleConfigOptions): string {
  if ((options.script === undefined) === (options.scriptFile === undefined)) {
    throw new SageMakerConstructError(scope, `lifecycle config '${id}' needs exactly one of script and scriptFile, got ${options.script === undefined ? 'neither' : 'both'}`);
  }
  let script = options.script;
  checkNow(scope, `lifecycle config '${id}'`, (p) => literal(p, `scriptFile of lifecycle config '${id}'`, options.scriptFile, 'the file is read at synth'));
  if (script !== undefined && Token.isUnresolved(script)) return Fn.base64(script);
  if (options.scriptFile !== undefined) {
    if (!fs.existsSync(options.scriptFile)) throw new SageMakerConstructError(scope, `lifecycle config '${id}': scriptFile ${describeValue(options.scriptFile)} does not exist`);
    script = fs.readFileSync(options.scriptFile, 'utf8');
  }
  if (script!.trim() === '') {
    throw new SageMakerConstructError(scope, `lifecycle config '${id}' has an empty script: give it the commands to run`);
  }
  const content = Buffer.from(script!, 'utf8').toString('base64');
  if (content.length > MAX_CONTENT_LENGTH) {
    throw new SageMakerConstructError(scope, `lifecycle config '${id}' is ${content.length} characters long once base64-encoded: SageMaker allows at most ${MAX_CONTENT_LENGTH} (about 12 KB of script)`);
  }
  return content;
}
