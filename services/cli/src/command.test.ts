import { describe, expect, it } from 'vitest';
import { integerOption, parseOptions, requiredOption, UsageError } from './command';

describe('CLI option parsing', () => {
  it('parses known options and positionals when allowed', () => {
    const { values, positionals } = parseOptions(['m.json', '--recompute', '--public-key', 'ab'], { recompute: { type: 'boolean' }, 'public-key': { type: 'string' } }, true);
    expect(values).toEqual({ recompute: true, 'public-key': 'ab' });
    expect(positionals).toEqual(['m.json']);
  });

  it('takes a negative number after a string option as its value', () => {
    const options = { lat: { type: 'string' }, lng: { type: 'string' }, n: { type: 'string' } } as const;
    expect(parseOptions(['--lat', '39.74', '--lng', '-104.99', '--n', '-.5'], options).values).toEqual({ lat: '39.74', lng: '-104.99', n: '-.5' });
    expect(parseOptions(['--lng=-104.99'], options).values).toEqual({ lng: '-104.99' });
    expect(() => parseOptions(['--lng', '--lat', '1'], options)).toThrow(/ambiguous/);
    expect(() => parseOptions(['--recompute', '-1'], { recompute: { type: 'boolean' } })).toThrow(UsageError);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--file'], /argument missing/],
    [['stray'], /Unexpected argument 'stray'/],
  ])('turns %j into a usage error', (argv, message) => {
    expect(() => parseOptions(argv, { file: { type: 'string' } })).toThrow(UsageError);
    expect(() => parseOptions(argv, { file: { type: 'string' } })).toThrow(message);
  });

  it.each([
    ['12', {}, 12],
    ['-3', {}, -3],
    ['0', { min: 0, max: 0xffff }, 0],
    ['65535', { min: 0, max: 0xffff }, 65535],
  ])('reads integer %s within %j', (raw, range, expected) => {
    expect(integerOption(raw, 'n', range)).toBe(expected);
  });

  it.each([['1.5'], [''], [' '], ['abc'], ['65536'], ['-1']])('refuses %j as an integer 0..65535', (raw) => {
    expect(() => integerOption(raw, 'n', { min: 0, max: 0xffff })).toThrow(/--n must be an integer 0..65535/);
  });

  it('leaves absent options absent and insists on required ones', () => {
    expect(integerOption(undefined, 'n')).toBeUndefined();
    expect(requiredOption('f.json', 'file')).toBe('f.json');
    expect(() => requiredOption(undefined, 'file')).toThrow('missing --file');
  });
});
