/**
 * Named scenarios: an area and the sizes, shares and rates a run starts from. Every value can be
 * overridden by a flag (firmware-sim/README.md lists them).
 */
import { DEFAULT_CHEATER_SHARES, NO_CHEATERS, type CheaterShares, CHEATER_KINDS } from '../cheaters/cheater-kinds';
import { AREA_PRESETS } from '../world/area';

export interface ScenarioDefaults {
  name: string;
  description: string;
  /** A preset of world/area.ts, or null when the area must come from --area. */
  area: keyof typeof AREA_PRESETS | null;
  hotspots: number;
  devices: number;
  days: number;
  cheaterShares: CheaterShares;
  dataOnlyShare: number;
  httpShare: number;
  orgCount: number;
  uplinkIntervalMs: number;
  confirmedShare: number;
}

const base = {
  days: 1,
  cheaterShares: DEFAULT_CHEATER_SHARES,
  dataOnlyShare: 0.1,
  httpShare: 0.2,
  orgCount: 2,
  uplinkIntervalMs: 15 * 60_000,
  confirmedShare: 0.2,
};

const scaled = (shares: CheaterShares, factor: number): CheaterShares =>
  Object.fromEntries(CHEATER_KINDS.map((k) => [k, shares[k] * factor])) as Record<keyof CheaterShares, number>;

export const SCENARIOS: Readonly<Record<string, ScenarioDefaults>> = {
  'city-us': { ...base, name: 'city-us', description: 'Denver (US915 sub-band 2): dense core, suburbs, countryside; a few of every cheater', area: 'denver', hotspots: 300, devices: 200 },
  'city-eu': { ...base, name: 'city-eu', description: 'Munich (EU868): dense core, suburbs, villages; a few of every cheater', area: 'munich', hotspots: 300, devices: 200 },
  countryside: { ...base, name: 'countryside', description: 'Central Iowa (US915): a small town and sparse farms', area: 'iowa', hotspots: 150, devices: 60 },
  honest: { ...base, name: 'honest', description: 'Denver with no cheaters: the false-positive baseline', area: 'denver', hotspots: 300, devices: 200, cheaterShares: NO_CHEATERS },
  'fraud-heavy': { ...base, name: 'fraud-heavy', description: 'Denver with four times the usual share of every cheater', area: 'denver', hotspots: 300, devices: 200, cheaterShares: scaled(DEFAULT_CHEATER_SHARES, 4) },
  polygon: { ...base, name: 'polygon', description: 'Any GeoJSON polygon given with --area; region from its centre', area: null, hotspots: 200, devices: 100 },
};
