/** Client-side checks of the create form's JSON fields and of a task function's required parameters. */
import type { JsonValue, TaskFunction, TaskFunctionParameter } from '../api/types';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseJson(text: string): Parsed<JsonValue> {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `Not valid JSON: ${detail}` };
  }
}

/** args: empty means [], otherwise it must be a JSON array. */
export function parseArgs(text: string): Parsed<JsonValue[]> {
  if (!text.trim()) return { ok: true, value: [] };
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  if (!Array.isArray(parsed.value)) return { ok: false, error: 'args must be a JSON array, e.g. [10, 20].' };
  return { ok: true, value: parsed.value };
}

/** kwargs: empty means {}, otherwise it must be a JSON object. */
export function parseKwargs(text: string): Parsed<Record<string, JsonValue>> {
  if (!text.trim()) return { ok: true, value: {} };
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'kwargs must be a JSON object, e.g. {"a": 1}.' };
  }
  return { ok: true, value };
}

function kindOf(parameter: TaskFunctionParameter): string {
  return parameter.kind.toLowerCase();
}

function isVariadic(parameter: TaskFunctionParameter): boolean {
  const kind = kindOf(parameter);
  return kind.includes('var_positional') || kind.includes('var_keyword') || kind === '*args' || kind === '**kwargs';
}

function isPositionalCapable(parameter: TaskFunctionParameter): boolean {
  return !isVariadic(parameter) && !kindOf(parameter).includes('keyword_only');
}

/** Names of required parameters that neither a positional arg nor a kwarg supplies. */
export function missingRequired(
  parameters: TaskFunctionParameter[],
  args: JsonValue[],
  kwargs: Record<string, JsonValue>,
): string[] {
  const missing: string[] = [];
  let position = 0;
  for (const parameter of parameters) {
    if (isVariadic(parameter)) continue;
    const coveredByArgs = isPositionalCapable(parameter) && position < args.length;
    if (isPositionalCapable(parameter)) position += 1;
    if (!parameter.required) continue;
    const name = parameter.name;
    if (!coveredByArgs && !Object.prototype.hasOwnProperty.call(kwargs, name)) missing.push(name);
  }
  return missing;
}

/** Names that both a positional arg and a kwarg supply (Python would raise "multiple values"). */
export function duplicated(
  parameters: TaskFunctionParameter[],
  args: JsonValue[],
  kwargs: Record<string, JsonValue>,
): string[] {
  const positional = parameters.filter(isPositionalCapable).slice(0, args.length);
  return positional.map((p) => p.name).filter((name) => Object.prototype.hasOwnProperty.call(kwargs, name));
}

/** The kwargs a task function's optional parameters default to, as pretty JSON text for the form. */
export function defaultKwargsText(fn: TaskFunction | undefined): string {
  if (!fn) return '{}';
  const kwargs: Record<string, JsonValue> = {};
  for (const parameter of fn.parameters) {
    if (!parameter.required && !isVariadic(parameter) && parameter.default !== undefined) {
      kwargs[parameter.name] = parameter.default;
    }
  }
  return Object.keys(kwargs).length ? JSON.stringify(kwargs, null, 2) : '{}';
}

/** The JSON fields' errors (args, kwargs and missing parameters), keyed by the form's field names. */
export function checkCallArguments(
  fn: TaskFunction | undefined,
  argsText: string,
  kwargsText: string,
): { errors: Record<string, string>; args: JsonValue[]; kwargs: Record<string, JsonValue> } {
  const errors: Record<string, string> = {};
  const args = parseArgs(argsText);
  const kwargs = parseKwargs(kwargsText);
  if (!args.ok) errors.args = args.error;
  if (!kwargs.ok) errors.kwargs = kwargs.error;
  const argValues = args.ok ? args.value : [];
  const kwargValues = kwargs.ok ? kwargs.value : {};
  if (fn && args.ok && kwargs.ok) {
    const missing = missingRequired(fn.parameters, argValues, kwargValues);
    if (missing.length) {
      errors.args = `Missing required parameter${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (pass ${
        missing.length > 1 ? 'them' : 'it'
      } in args or kwargs).`;
    }
    const twice = duplicated(fn.parameters, argValues, kwargValues);
    if (twice.length) errors.kwargs = `Given both in args and kwargs: ${twice.join(', ')}.`;
  }
  return { errors, args: argValues, kwargs: kwargValues };
}
