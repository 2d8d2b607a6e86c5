/** A coverage snapshot of the given hotspots, as CoverageSnapshots builds one, for unit tests of what reads it. */
import { aggregateHexes, type HotspotCoverage, type Snapshot } from '../coverage/coverage-snapshot';
import { aggregateCountries } from '../countries/country-aggregates';

export const snapshotOf = (hotspots: HotspotCoverage[]): Snapshot => ({
  builtAtMs: 0,
  rewardsEpoch: null,
  hotspots,
  density: undefined,
  densityInputs: [],
  hotspot: (a) => hotspots.find((h) => h.address === a),
  hexes: (res) => aggregateHexes(hotspots, res),
  countries: () => aggregateCountries(hotspots),
});
