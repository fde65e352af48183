// Types of step properties (`Steps.<name>.<path>`): the Describe* response members, from the table
// scripts/gen-pipeline-properties.mjs vendors out of botocore's SageMaker model.
import { ParameterType } from '../expressions';

type ShapeEntry = string | [string, string] | { [member: string]: string };

// eslint-disable-next-line @typescript-eslint/no-require-imports -- vendored JSON table, read once at load
const TABLE: { roots: { [stepType: string]: string[] }; shapes: { [name: string]: ShapeEntry } } = require('./describe-properties.json');

const SCALARS: { [code: string]: ParameterType } = { S: ParameterType.STRING, I: ParameterType.INTEGER, F: ParameterType.FLOAT, B: ParameterType.BOOLEAN };

/** The step types whose properties the table types. */
export function typedStepTypes(): string[] {
  return Object.keys(TABLE.roots);
}

/**
 * The type of `path` (`FinalMetricDataList[0].Value`, `ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`)
 * in the Describe* response of a `stepType` step, or why it does not exist there. A list takes a
 * number or a quoted name (the service finds list items by name), a map a quoted key.
 */
export function describePropertyType(stepType: string, path: string): { type?: ParameterType; error?: string } {
  const roots = TABLE.roots[stepType];
  if (!roots) return { error: `${stepType} steps have no typed Describe* properties` };
  const syntax = /^([A-Za-z_][A-Za-z0-9_]*|\[(\d+|'[^'\]]*'|"[^"\]]*")\])(\.[A-Za-z_][A-Za-z0-9_]*|\[(\d+|'[^'\]]*'|"[^"\]]*")\])*$/;
  if (!syntax.test(path) || path.startsWith('[')) {
    return { error: `'${path}' is not a property path: write members joined by '.', list items as [0] or ['name'], map entries as ['key'] (e.g. FinalMetricDataList['validation:auc'].Value)` };
  }
  const segments = path.match(/[A-Za-z_][A-Za-z0-9_]*|\[[^\]]*\]/g) ?? [];
  const errors: string[] = [];
  for (const rootShape of roots) {
    let at: ShapeEntry | undefined = TABLE.shapes[rootShape];
    let walked = '';
    let error: string | undefined;
    for (const segment of segments) {
      if (segment.startsWith('[')) {
        if (Array.isArray(at)) {
          const [kind, inner]: [string, string] = at;
          if (kind === 'M' && /^\[\d+\]$/.test(segment)) { error = `${walked} is a map: index it with a quoted key, not ${segment}`; break; }
          at = TABLE.shapes[inner];
        } else {
          error = `${walked} is not a list or map, so ${segment} does not apply`;
          break;
        }
      } else {
        if (!at || typeof at !== 'object' || Array.isArray(at) || !(segment in at)) {
          const members = at && typeof at === 'object' && !Array.isArray(at) ? Object.keys(at) : [];
          error = `${walked || rootShape} has no member ${segment}${members.length ? ` (members: ${members.slice(0, 40).join(', ')}${members.length > 40 ? ', ...' : ''})` : ''}`;
          break;
        }
        at = TABLE.shapes[at[segment]];
      }
      walked += segment.startsWith('[') ? segment : walked ? `.${segment}` : segment;
    }
    if (error) {
      errors.push(`${error} (${rootShape})`);
      continue;
    }
    if (typeof at === 'string' && SCALARS[at]) return { type: SCALARS[at] };
    return { error: `${path} is ${Array.isArray(at) ? (at[0] === 'L' ? 'a list' : 'a map') : 'a structure'} in ${rootShape}, not a value: name one of its members` };
  }
  return { error: errors.join('; ') };
}
