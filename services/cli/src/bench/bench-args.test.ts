import { describe, expect, it } from 'vitest';
import { UsageError } from '../command';
import { parseBenchArgs } from './bench-args';

const available = ['api', 'epoch', 'ingest', 'router', 'verifier'];

describe('bench arguments', () => {
  it('runs every suite at full scale by default, or the ones named at the scale given', () => {
    expect(parseBenchArgs([], available)).toEqual({ suites: available, scale: 1 });
    expect(parseBenchArgs(['ingest', '--scale', '0.01'], available)).toEqual({ suites: ['ingest'], scale: 0.01 });
  });

  it('refuses a misspelt suite as a usage error that lists the suites', () => {
    expect(() => parseBenchArgs(['ingst'], available)).toThrow(UsageError);
    expect(() => parseBenchArgs(['ingst'], available)).toThrow('unknown suite(s) ingst; available: api, epoch, ingest, router, verifier');
  });

  it.each([['abc'], ['0'], ['-1'], [''], ['Infinity']])('refuses --scale %j', (scale) => {
    expect(() => parseBenchArgs(['--scale', scale], available)).toThrow(/--scale must be a positive number/);
  });

  it('refuses an unknown option', () => {
    expect(() => parseBenchArgs(['--scal', '1'], available)).toThrow(UsageError);
  });
});
