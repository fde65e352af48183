/**
 * `json.dumps(value)` as Python writes it with its defaults (the SageMaker Python SDK's
 * `_json_encode_hyperparameters`): `", "` between items, `": "` between a key and its value, keys
 * in insertion order, and every character outside printable ASCII escaped (`ensure_ascii`).
 * Numbers are written as JavaScript writes them (Python writes a float with no fraction as `1.0`;
 * a JavaScript number cannot tell 1 from 1.0).
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    // members whose value is undefined are left out, as JSON.stringify does
    return `{${Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
  }
  throw new Error(`not JSON-serializable: ${typeof value}`);
}

/** A hyperparameter value already encoded (the launchers' JSON, written as the SDK writes it). */
export class EncodedHyperparameter {
  constructor(public readonly text: string) {}
}
