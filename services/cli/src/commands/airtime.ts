import { loraAirtime, type LoraAirtimeInput } from '@cov/shared/radio/airtime';
import { integerOption, parseOptions, UsageError, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'airtime',
  summary: 'LoRa time-on-air of one packet (Semtech formula)',
  usage:
    'npm run cli -- airtime --size BYTES --sf 7..12 --bw KHZ [--cr 1..4] [--preamble 8] [--no-header] [--no-crc] [--ldro | --no-ldro]',
  async run(argv, io) {
    const { values } = parseOptions(argv, {
      size: { type: 'string' },
      sf: { type: 'string' },
      bw: { type: 'string' },
      cr: { type: 'string' },
      preamble: { type: 'string' },
      'no-header': { type: 'boolean' },
      'no-crc': { type: 'boolean' },
      ldro: { type: 'boolean' },
      'no-ldro': { type: 'boolean' },
    });
    const payloadBytes = integerOption(values.size, 'size');
    const spreadingFactor = integerOption(values.sf, 'sf');
    if (payloadBytes === undefined || spreadingFactor === undefined || values.bw === undefined) {
      throw new UsageError('--size, --sf and --bw are required');
    }
    const bandwidthKhz = Number(values.bw);
    if (values.ldro && values['no-ldro']) throw new UsageError('--ldro and --no-ldro are exclusive');
    const input: LoraAirtimeInput = {
      payloadBytes,
      spreadingFactor,
      bandwidthKhz,
      codingRate: integerOption(values.cr, 'cr') ?? 1,
      preambleSymbols: integerOption(values.preamble, 'preamble') ?? 8,
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
