/**
 * `density --file F`: what-if hex density scaling (HIP-17 with HIP-104 parameters). F holds a JSON
 * array of H3 cells, one per interactive hotspot (duplicates are co-located hotspots); the output
 * maps each distinct cell to the transmit scale its hotspots would get. Same code as the rewarder.
 */
import { computeHexDensity } from '@cov/shared/rewards/hex-density';
import { parseOptions, requiredOption, type CliCommand, type CliIo } from '../command';
import { readJsonFile } from '../json-file';

const USAGE = 'npm run cli -- density --file <cells.json>   (cells.json: ["8c2830d340043ff", ...])';

/**
 * JSON numbers may carry trailing zeros, so each scale is written with exactly four decimals
 * ("0.0060"), the precision it was rounded to; any JSON parser still reads it as a number.
 */
function renderScales(entries: Iterable<[string, string]>): string {
  const lines = [...entries].map(([cell, scaleText]) => `  ${JSON.stringify(cell)}: ${scaleText}`);
  return lines.length === 0 ? '{}\n' : `{\n${lines.join(',\n')}\n}\n`;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { file: { type: 'string' } });
  const file = requiredOption(values.file, 'file');
  const read = await readJsonFile(file, io);
  if (!read) return 2;
  const input = read.value;
  if (!Array.isArray(input)) {
    io.stderr(`${file} must hold a JSON array of H3 cells (hex strings), got ${input === null ? 'null' : typeof input}\n`);
    return 2;
  }
  const result = computeHexDensity(input as string[]);
  if (!result.ok) {
    io.stderr(`${file}: ${result.error.message}; expected H3 cells at resolution 11 or finer, written in hex (e.g. "8c2830d340043ff")\n`);
    return 2;
  }
  io.stdout(renderScales([...result.value.scales].map(([cell, scale]) => [cell, scale.scaleText])));
  return 0;
}

export const command: CliCommand = {
  name: 'density',
  summary: 'hex density (transmit) scale per cell for a list of hotspot cells, HIP-17/HIP-104',
  usage: USAGE,
  run,
};
