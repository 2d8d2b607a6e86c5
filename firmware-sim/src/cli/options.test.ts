import { describe, expect, it } from 'vitest';
import { CHEATER_KINDS } from '../cheaters/cheater-kinds';
import { parseSimArgs, UsageError } from './options';

describe('npm run sim flags', () => {
  it('defaults to the city-us scenario on the embedded backend', () => {
    const o = parseSimArgs([]);
    expect(o).toMatchObject({ seed: '1', hotspots: 300, devices: 200, durationMs: 86_400_000, target: { kind: 'embedded' }, speed: 8, beaconIntervalMs: 21_600_000, deviceMakerStatePath: null });
    expect(o.scenario.name).toBe('city-us');
    expect(o.cheaterShares.location_spoofer).toBe(0.02);
  });

  it('reads the documented flags', () => {
    const o = parseSimArgs([
      '--scenario', 'city-eu', '--seed', 'abc', '--hotspots', '50', '--devices', '7', '--days', '0.5',
      '--target', 'http://example.org:3000/v1', '--record', 'r.ndjson', '--labels', 'l.json', '--summary-json', 's.json',
      '--share-beacon-spammer', '0.1', '--gwmp', 'router.local:1700', '--beacon-interval-ms', '3600000',
      '--device-maker-state', 'orgs.json',
    ]);
    expect(o).toMatchObject({
      seed: 'abc', hotspots: 50, devices: 7, durationMs: 43_200_000, target: { kind: 'url', baseUrl: 'http://example.org:3000' }, speed: 1,
      recordPath: 'r.ndjson', labelsPath: 'l.json', summaryPath: 's.json', gwmp: { host: 'router.local', port: 1700 }, beaconIntervalMs: 3_600_000,
      deviceMakerStatePath: 'orgs.json',
    });
    expect(o.scenario.name).toBe('city-eu');
    expect(o.cheaterShares.beacon_spammer).toBe(0.1);
  });

  it('--no-cheaters zeroes every share but still honours an explicit one', () => {
    const o = parseSimArgs(['--no-cheaters', '--share-self-witness', '0.05']);
    for (const k of CHEATER_KINDS) expect(o.cheaterShares[k]).toBe(k === 'self_witness' ? 0.05 : 0);
  });

  it.each([
    [['--scenario', 'mars'], /unknown --scenario/],
    [['--scenario', 'polygon'], /needs --area/],
    [['--hotspots', 'many'], /--hotspots must be a number/],
    [['--hotspots', '2.5'], /whole number/],
    [['--devices=-1'], /at least 0/],
    [['--days', '0'], /at least/],
    [['--share-replayer', '1.5'], /at most 1/],
    [['--share-replayer', '0.5', '--share-self-witness', '0.5'], /add up to/],
    [['--target', 'ftp://x'], /http or https/],
    [['--target', 'nonsense'], /dry, embedded or an http/],
    [['--beacon-interval-ms', '7000000'], /divide a day/],
    [['--start', 'yesterday'], /ISO 8601/],
    [['--target', 'http://x', '--start', '2025-01-01T00:00:00Z'], /only applies to --target dry or embedded/],
    [['--target', 'http://x', '--epoch-ms', '3600000'], /only applies to --target embedded/],
    [['--device-maker-state', 'orgs.json'], /--device-maker-state only applies to a URL --target/],
    [['--gwmp', 'host'], /HOST:PORT/],
    [['--bogus'], /Unknown option/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimArgs(argv)).toThrow(UsageError);
    expect(() => parseSimArgs(argv)).toThrow(message);
  });
});
