/**
 * A hotspot's hardware and installation: antenna gain, height above ground, feed-line loss,
 * receiver noise figure, crystal error and its backhaul. Distributions follow what owners actually
 * install: the stock 1.2-4 dBi antennas, the popular 5.8 dBi fibreglass ones and some 8-9 dBi
 * masts; indoor windowsills in town, rooftops in the core, masts in the countryside.
 */
import type { SeededRandom } from '../random/seeded-random';
import { sampleBackhaulProfile, type BackhaulProfile } from '../radio/backhaul';
import type { Environment } from './area';

export interface HotspotHardware {
  gainDbi: number;
  heightAglM: number;
  cableLossDb: number;
  /** Indoors (a windowsill, an attic): walls and glass cost 8-20 dB each way. */
  indoor: boolean;
  buildingLossDb: number;
  noiseFigureDb: number;
  /** Oscillator error; shifts the frequency a witness reports (±2 ppm is ±1.8 kHz at 915 MHz). */
  crystalPpm: number;
  /** Conducted power the radio can put out (SX1302 boards with a 27 dBm PA). */
  maxTxPowerDbm: number;
  backhaul: BackhaulProfile;
  /** Concentrator µs counter value at simulated time 0 (free-running, arbitrary). */
  tmstOffsetUs: number;
}

const GAINS_DBI = [
  { value: 1.2, weight: 8 },
  { value: 2.6, weight: 8 },
  { value: 3, weight: 22 },
  { value: 4, weight: 15 },
  { value: 5.8, weight: 25 },
  { value: 8, weight: 14 },
  { value: 9, weight: 8 },
];

const MEDIAN_HEIGHT_M: Readonly<Record<Environment, number>> = { urban: 12, suburban: 6, rural: 8 };
/** Most hotspots in town sit behind a window; in the countryside more get a mast outside. */
export const INDOOR_SHARE: Readonly<Record<Environment, number>> = { urban: 0.65, suburban: 0.5, rural: 0.3 };

export function sampleHotspotHardware(environment: Environment, rng: SeededRandom): HotspotHardware {
  const indoor = rng.chance(INDOOR_SHARE[environment]);
  return {
    gainDbi: rng.weighted(GAINS_DBI),
    heightAglM: Math.round(Math.min(60, Math.max(1.5, rng.logNormal(MEDIAN_HEIGHT_M[environment], 0.6))) * 10) / 10,
    cableLossDb: Math.round(rng.uniform(0.5, 2.5) * 10) / 10,
    indoor,
    buildingLossDb: indoor ? Math.round(rng.uniform(8, 20) * 10) / 10 : 0,
    noiseFigureDb: Math.round(rng.uniform(4, 6.5) * 10) / 10,
    crystalPpm: rng.uniform(-2, 2),
    maxTxPowerDbm: 27,
    backhaul: sampleBackhaulProfile(rng),
    tmstOffsetUs: rng.uint32(),
  };
}

/** Environment from local density: how many other hotspots stand within 1 km. */
export function environmentFromDensity(neighboursWithin1Km: number): Environment {
  if (neighboursWithin1Km >= 6) return 'urban';
  if (neighboursWithin1Km >= 2) return 'suburban';
  return 'rural';
}
