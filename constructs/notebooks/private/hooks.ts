import { Fn, Token } from 'aws-cdk-lib';
import { autoStopScript, base64Length, LIFECYCLE_CONTENT_MAX, mergeScripts } from './scripts';
import { ProblemList } from '../../private/errors';
import { minutes } from '../../private/rules';
import type { NotebookLifecycleConfigProps, NotebookScript } from '../lifecycle-config';

/** The idle timeout's range, in minutes. */
export const IDLE_MINUTES = { min: 5, max: 43200 };

/**
 * Renders the hooks of a lifecycle configuration into `problems`: each hook's merged script and its
 * base64 content, checked against the API's 16,384 characters.
 */
export function renderHooks(problems: ProblemList, props: NotebookLifecycleConfigProps): { onCreate?: string; onStart?: string } {
  const idleMinutes = minutes(problems, 'idleTimeout', props.idleTimeout, IDLE_MINUTES.min, IDLE_MINUTES.max);
  const render = (prop: string, scripts: NotebookScript[] | undefined, first: string[]): string | undefined => {
    const parts = [...first];
    (scripts ?? []).forEach((s, i) => {
      const text = s._render(problems, `${prop}[${i}]`);
      if (text !== undefined) parts.push(text);
    });
    if (parts.length === 0) return undefined;
    const merged = mergeScripts(parts);
    if (Token.isUnresolved(merged)) {
      // Tokens resolve at deploy: the template base64-encodes the script (Fn::Base64), and the
      // literal parts are what can be checked here.
      const literal = Token.asString(merged).replace(/\$\{Token\[[^\]]+\]\}/g, '');
      if (base64Length(literal) > LIFECYCLE_CONTENT_MAX) problems.add(`${prop} is over ${LIFECYCLE_CONTENT_MAX} characters in base64 before its tokens are resolved (${base64Length(literal)}): the API takes at most ${LIFECYCLE_CONTENT_MAX}; shorten the scripts, or have one download the rest`);
      return Fn.base64(merged);
    }
    const length = base64Length(merged);
    if (length > LIFECYCLE_CONTENT_MAX) {
      problems.add(`${prop} is ${length} characters in base64 (${Buffer.byteLength(merged, 'utf8')} bytes${parts.length > 1 ? `, ${parts.length} scripts merged` : ''}): the API takes at most ${LIFECYCLE_CONTENT_MAX} (about 12 KiB of script); shorten the scripts, or have one download the rest`);
      return undefined;
    }
    return Buffer.from(merged, 'utf8').toString('base64');
  };
  const idlePart = idleMinutes === undefined ? [] : [autoStopScript(idleMinutes)];
  return { onCreate: render('onCreate', props.onCreate, []), onStart: render('onStart', props.onStart, idlePart) };
}

