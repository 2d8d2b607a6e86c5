import { parseArgs } from 'node:util';
import { loraAirtime, type LoraAirtimeInput } from '@cov/shared/radio/airtime';
import { UsageError, type CliCommand } from '../command';

function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got "${value}"`);
  return n;
}

export const command: CliCommand = {
  name: 'airtime',
  summary: 'LoRa time-on-air of one packet (Semtech formula)',
  usage:
    'npm run cli -- airtime --size BYTES --sf 7..12 --bw KHZ [--cr 1..4] [--preamble 8] [--no-header] [--no-crc] [--ldro | --no-ldro]',
  async run(argv, io) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          size: { type: 'string' },
          sf: { type: 'string' },
          bw: { type: 'string' },
          cr: { type: 'string' },
          preamble: { type: 'string' },
          'no-header': { type: 'boolean' },
          'no-crc': { type: 'boolean' },
          ldro: { type: 'boolean' },
          'no-ldro': { type: 'boolean' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const payloadBytes = intOption(values.size, 'size');
    const spreadingFactor = intOption(values.sf, 'sf');
    if (payloadBytes === undefined || spreadingFactor === undefined || values.bw === undefined) {
      throw new UsageError('--size, --sf and --bw are required');
    }
    const bandwidthKhz = Number(values.bw);
    if (values.ldro && values['no-ldro']) throw new UsageError('--ldro and --no-ldro are exclusive');
    const input: LoraAirtimeInput = {
      payloadBytes,
      spreadingFactor,
      bandwidthKhz,
      codingRate: intOption(values.cr, 'cr') ?? 1,
      preambleSymbols: intOption(values.preamble, 'preamble') ?? 8,
      explicitHeader: !values['no-header'],
      crc: !values['no-crc'],
    };
    if (values.ldro) input.lowDataRateOptimization = true;
    if (values['no-ldro']) input.lowDataRateOptimization = false;
    let result;
    try {
      result = loraAirtime(input);
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
    io.stdout(`${JSON.stringify({ ...result, inputs: input }, null, 2)}\n`);
    return 0;
  },
};
