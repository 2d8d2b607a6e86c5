/**
 * `explain-witness --file F`: the RF and geometry verdict for one beacon -> witness link, with the
 * numbers behind it (distance, cell distance, expected vs observed RSSI, SNR floor...). Owners use
 * it to see why a witness was rejected; it runs the same pure checks as the verifier.
 */
import { cellFromDecimal, isValidCellHex } from '@cov/shared/geo/h3-cells';
import type { LinkHotspot, WitnessLinkContext } from '@cov/shared/poc/context';
import { HELIUM_POC_THRESHOLDS } from '@cov/shared/poc/thresholds';
import { verifyWitnessLink } from '@cov/shared/poc/witness-link-checks';
import { REGION_IDS, isRegion } from '@cov/shared/regions/region-plan';
import { parseOptions, requiredOption, type CliCommand, type CliIo } from '../command';
import { readJsonFile } from '../json-file';

const USAGE = 'npm run cli -- explain-witness --file <link.json> [--helium]';

const EXAMPLE = `{
  "beaconer": { "location": "8c3f304e42e4bff", "gain": 12, "region": "EU868" },
  "witnessHotspot": { "location": "8b3f304e4032fff", "gain": 20, "region": "EU868" },
  "beacon": { "txPowerDbm": 8, "frequencyHz": 867900000, "dataRate": "SF12BW125" },
  "witness": { "signal": -1080, "snr": 35, "frequencyHz": 867900032, "dataRate": "SF12BW125" }
}`;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects every problem in the file at once, so a user fixes them in one go. */
class InputReader {
  readonly problems: string[] = [];

  object(parent: Json, key: string, path: string): Json {
    const v = parent[key];
    if (isObject(v)) return v;
    this.problems.push(`${path}: expected an object`);
    return {};
  }

  number(parent: Json, key: string, path: string, unit: string): number {
    const v = parent[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    this.problems.push(`${path}: expected a number (${unit})${v === undefined ? ', missing' : `, got ${JSON.stringify(v)}`}`);
    return Number.NaN;
  }

  string(parent: Json, key: string, path: string): string {
    const v = parent[key];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    this.problems.push(`${path}: expected a non-empty string${v === undefined ? ', missing' : `, got ${JSON.stringify(v)}`}`);
    return '';
  }

  hotspot(parent: Json, key: string): LinkHotspot {
    const h = this.object(parent, key, key);
    const rawLocation = h.location;
    let location = '';
    if (typeof rawLocation === 'string' && isValidCellHex(rawLocation.trim().toLowerCase())) {
      location = rawLocation.trim().toLowerCase();
    } else if (typeof rawLocation === 'string' && cellFromDecimal(rawLocation.trim())) {
      location = cellFromDecimal(rawLocation.trim())!;
    } else {
      this.problems.push(`${key}.location: expected an H3 cell (hex such as "8c3f304e42e4bff"), got ${JSON.stringify(rawLocation)}`);
    }
    const gainDbiX10 = this.number(h, 'gain', `${key}.gain`, 'antenna gain in dBi x 10');
    const region = h.region;
    if (!isRegion(region)) {
      this.problems.push(`${key}.region: expected one of ${REGION_IDS.join(', ')}, got ${JSON.stringify(region)}`);
    }
    return { location, gainDbiX10, region: isRegion(region) ? region : 'US915' };
  }
}

/** Input file -> link context, or the list of problems. */
export function parseLinkInput(input: unknown): { ok: true; link: WitnessLinkContext } | { ok: false; problems: string[] } {
  if (!isObject(input)) return { ok: false, problems: ['the file must contain a JSON object'] };
  const r = new InputReader();
  const beaconer = r.hotspot(input, 'beaconer');
  const witnessHotspot = r.hotspot(input, 'witnessHotspot');
  const b = r.object(input, 'beacon', 'beacon');
  const w = r.object(input, 'witness', 'witness');
  const link: WitnessLinkContext = {
    beaconer,
    witnessHotspot,
    beacon: {
      txPowerDbm: r.number(b, 'txPowerDbm', 'beacon.txPowerDbm', 'dBm'),
      frequencyHz: r.number(b, 'frequencyHz', 'beacon.frequencyHz', 'Hz'),
      dataRate: r.string(b, 'dataRate', 'beacon.dataRate'),
    },
    witness: {
      signalDbmX10: r.number(w, 'signal', 'witness.signal', 'RSSI in dBm x 10'),
      snrDbX10: r.number(w, 'snr', 'witness.snr', 'SNR in dB x 10'),
      frequencyHz: r.number(w, 'frequencyHz', 'witness.frequencyHz', 'Hz'),
      dataRate: r.string(w, 'dataRate', 'witness.dataRate'),
    },
  };
  return r.problems.length > 0 ? { ok: false, problems: r.problems } : { ok: true, link };
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { file: { type: 'string' }, helium: { type: 'boolean', default: false } });
  const file = requiredOption(values.file, 'file');
  const helium = values.helium;
  const read = await readJsonFile(file, io);
  if (!read) return 2;
  const input = read.value;
  const parsed = parseLinkInput(input);
  if (!parsed.ok) {
    io.stderr(`${file} is not a valid link description:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}\nexample:\n${EXAMPLE}\n`);
    return 2;
  }
  const verdict = verifyWitnessLink(helium ? { ...parsed.link, thresholds: HELIUM_POC_THRESHOLDS } : parsed.link);
  const out = { valid: verdict.valid, reason: verdict.valid ? null : verdict.reason, details: verdict.details };
  io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  return verdict.valid ? 0 : 1;
}

export const command: CliCommand = {
  name: 'explain-witness',
  summary: 'RF and geometry verdict for one beacon -> witness link, with its numbers',
  usage: USAGE,
  run,
};
