import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../command';
import { command, parseLinkInput } from './explain-witness';

const dir = mkdtempSync(join(tmpdir(), 'explain-witness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function fileWith(content: unknown): string {
  const path = join(dir, `link-${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function runCli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await command.run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr, json: stdout ? (JSON.parse(stdout) as Record<string, unknown>) : undefined };
}

// The valid link of rssi.json's witness list (resp12): Malta, EU868, 1 314 m apart.
const validLink = {
  beaconer: { location: '8c3f304e42e4bff', gain: 12, region: 'EU868' },
  witnessHotspot: { location: '8b3f304e4032fff', gain: 20, region: 'EU868' },
  beacon: { txPowerDbm: 8, frequencyHz: 867_900_000, dataRate: 'SF12BW125' },
  witness: { signal: -1080, snr: 35, frequencyHz: 867_900_032, dataRate: 'SF12BW125' },
};
const patched = (path: [keyof typeof validLink, string], value: unknown) => ({
  ...validLink,
  [path[0]]: { ...validLink[path[0]], [path[1]]: value },
});

describe('explain-witness', () => {
  it('prints a valid verdict with its numbers and exits 0', async () => {
    const r = await runCli(['--file', fileWith(validLink)]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      valid: true,
      reason: null,
      details: { distanceM: 1_314, cellDistance: 28, expectedMaxRssiDbm: -82.589, observedRssiDbm: -108 },
    });
  });

  it.each([
    ['frequency 800 kHz off', patched(['witness', 'frequencyHz'], 867_100_000), 'invalid_frequency'],
    ['other region', patched(['witnessHotspot', 'region'], 'US915'), 'invalid_region'],
    ['7 cells away', patched(['witnessHotspot', 'location'], '8b3f304e438bfff'), 'below_min_distance'],
    ['Armenia', patched(['witnessHotspot', 'location'], '8c2c00b2d8207ff'), 'max_distance_exceeded'],
    ['too loud', patched(['witness', 'signal'], 300), 'bad_rssi'],
    ['too quiet', patched(['witness', 'signal'], -1500), 'rssi_below_sensitivity'],
    ['SNR under the floor', patched(['witness', 'snr'], -300), 'snr_below_floor'],
    ['other data rate', patched(['witness', 'dataRate'], 'SF7BW125'), 'invalid_data_rate'],
  ])('%s -> %s, exit 1', async (_, link, reason) => {
    const r = await runCli([`--file=${fileWith(link)}`]);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ valid: false, reason });
  });

  it('--helium drops the tx-power cap', async () => {
    const loud = { ...patched(['beacon', 'txPowerDbm'], 40), witness: { ...validLink.witness, signal: -700 } };
    expect((await runCli(['--file', fileWith(loud)])).json).toMatchObject({ reason: 'bad_rssi' });
    expect((await runCli(['--file', fileWith(loud), '--helium'])).json).toMatchObject({ valid: true });
  });

  it('accepts decimal u64 H3 indexes as Helium writes them', async () => {
    const r = await runCli(['--file', fileWith(patched(['beaconer', 'location'], '631615575095659519'))]);
    expect(r.json).toMatchObject({ valid: true });
  });

  it.each([
    ['missing file', () => join(dir, 'nope.json'), /cannot read/],
    ['not JSON', () => fileWith('{ nope'), /not valid JSON/],
    ['not an object', () => fileWith([1, 2]), /JSON object/],
    ['bad location', () => fileWith(patched(['beaconer', 'location'], 'paris')), /beaconer\.location: expected an H3 cell/],
    ['bad region', () => fileWith(patched(['witnessHotspot', 'region'], 'EU433')), /witnessHotspot\.region: expected one of US915/],
    ['signal as string', () => fileWith(patched(['witness', 'signal'], '-108')), /witness\.signal: expected a number \(RSSI in dBm x 10\)/],
    ['missing beacon', () => fileWith({ ...validLink, beacon: undefined }), /beacon: expected an object/],
  ])('%s -> exit 2 with a clear message', async (_, makeFile, message) => {
    const r = await runCli(['--file', makeFile()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('bad usage throws UsageError (the dispatcher prints usage and exits 2)', async () => {
    await expect(runCli([])).rejects.toBeInstanceOf(UsageError);
    await expect(runCli(['--file'])).rejects.toBeInstanceOf(UsageError);
    await expect(runCli(['--what'])).rejects.toBeInstanceOf(UsageError);
  });

  it('parseLinkInput reports every problem at once', () => {
    const r = parseLinkInput({ beaconer: {}, witnessHotspot: {}, beacon: {}, witness: {} });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toHaveLength(3 * 2 + 3 + 4);
  });
});
