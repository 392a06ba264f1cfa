import { describe, expect, it } from 'vitest';
import { toTaskFunction } from '../api/convert';
import { addNumbersFunction, slowTaskFunction } from '../test/fixtures';
import { checkCallArguments, defaultKwargsText, missingRequired, parseArgs, parseKwargs } from './jsonInput';

const addNumbers = toTaskFunction(addNumbersFunction);
const slowTask = toTaskFunction(slowTaskFunction);

describe('parseArgs', () => {
  it('accepts a JSON array and treats empty text as []', () => {
    expect(parseArgs('[10, 20]')).toEqual({ ok: true, value: [10, 20] });
    expect(parseArgs('  ')).toEqual({ ok: true, value: [] });
  });

  it('rejects an object and broken JSON', () => {
    expect(parseArgs('{"a": 1}')).toMatchObject({ ok: false, error: expect.stringContaining('JSON array') });
    expect(parseArgs('[10,')).toMatchObject({ ok: false, error: expect.stringContaining('Not valid JSON') });
  });
});

describe('parseKwargs', () => {
  it('accepts a JSON object and treats empty text as {}', () => {
    expect(parseKwargs('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseKwargs('')).toEqual({ ok: true, value: {} });
  });

  it.each(['[1]', 'null', '3', '"text"'])('rejects %s', (text) => {
    expect(parseKwargs(text)).toMatchObject({ ok: false, error: expect.stringContaining('JSON object') });
  });
});

describe('required parameters', () => {
  it('are satisfied by positional args or by kwargs', () => {
    expect(missingRequired(addNumbers.parameters, [1, 2], {})).toEqual([]);
    expect(missingRequired(addNumbers.parameters, [1], { b: 2 })).toEqual([]);
    expect(missingRequired(addNumbers.parameters, [], { a: 1 })).toEqual(['b']);
  });

  it('are reported on the args field', () => {
    const { errors } = checkCallArguments(addNumbers, '[10]', '{}');
    expect(errors.args).toMatch(/Missing required parameter: b/);
  });

  it('flag a parameter given both positionally and by name', () => {
    const { errors } = checkCallArguments(addNumbers, '[1, 2]', '{"a": 3}');
    expect(errors.kwargs).toMatch(/both in args and kwargs: a/);
  });

  it('pass for a valid call', () => {
    expect(checkCallArguments(addNumbers, '[10, 20]', '{}')).toEqual({ errors: {}, args: [10, 20], kwargs: {} });
  });
});

describe('defaultKwargsText', () => {
  it('prefills the optional parameters with their defaults', () => {
    expect(JSON.parse(defaultKwargsText(slowTask))).toEqual({ duration: 5, message: 'Processing...' });
    expect(defaultKwargsText(addNumbers)).toBe('{}');
  });
});
