import { describe, expect, it } from 'vitest';
import { UsageError, type CliIo } from '../command';
import { command } from './airtime';

async function run(args: string[]): Promise<Record<string, unknown>> {
  let stdout = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: () => undefined };
  expect(await command.run(args, io)).toBe(0);
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('airtime', () => {
  it('SF7BW125, 10 bytes: 41.216 ms (TTN vector)', async () => {
    const out = await run(['--size', '10', '--sf', '7', '--bw', '125']);
    expect(out.airtimeMs).toBeCloseTo(41.216, 9);
    expect(out.lowDataRateOptimization).toBe(false);
  });

  it('coding rate 4/8 (--cr 4): 53.504 ms', async () => {
    expect((await run(['--size', '10', '--sf', '7', '--bw', '125', '--cr', '4'])).airtimeMs).toBeCloseTo(53.504, 9);
  });

  it('turns LDRO on automatically at SF12BW125 and honours --no-ldro', async () => {
    const auto = await run(['--size', '10', '--sf', '12', '--bw', '125']);
    expect(auto.lowDataRateOptimization).toBe(true);
    expect(auto.airtimeMs).toBeCloseTo(991.232, 9);
    const forcedOff = await run(['--size', '50', '--sf', '12', '--bw', '125', '--no-ldro']);
    const forcedOn = await run(['--size', '50', '--sf', '12', '--bw', '125', '--ldro']);
    expect(forcedOff.lowDataRateOptimization).toBe(false);
    expect(Number(forcedOn.airtimeMs)).toBeGreaterThan(Number(forcedOff.airtimeMs));
  });

  it('--no-header, --no-crc and --preamble change the symbol count', async () => {
    const base = await run(['--size', '13', '--sf', '12', '--bw', '125', '--no-ldro']);
    const implicit = await run(['--size', '13', '--sf', '12', '--bw', '125', '--no-ldro', '--no-header']);
    expect(base.payloadSymbols).toBe(23);
    expect(implicit.payloadSymbols).toBe(18);
    const noCrc = await run(['--size', '17', '--sf', '10', '--bw', '500', '--no-crc']);
    expect(noCrc.airtimeMs).toBeCloseTo(82.432, 3);
    const longPreamble = await run(['--size', '10', '--sf', '7', '--bw', '125', '--preamble', '10']);
    expect(Number(longPreamble.airtimeMs) - 41.216).toBeCloseTo(2 * 1.024, 9);
  });

  it.each([
    [['--sf', '7', '--bw', '125']],
    [['--size', 'x', '--sf', '7', '--bw', '125']],
    [['--size', '10', '--sf', '13', '--bw', '125']],
    [['--size', '10', '--sf', '7', '--bw', '125', '--cr', '5']],
    [['--size', '10', '--sf', '7', '--bw', '125', '--ldro', '--no-ldro']],
    [['--size', '10', '--sf', '7', '--bw', '125', '--what']],
  ])('rejects bad usage %j', async (args) => {
    const io: CliIo = { stdout: () => undefined, stderr: () => undefined };
    await expect(command.run(args, io)).rejects.toBeInstanceOf(UsageError);
  });
});
