// Public shapes of proof-of-coverage verdicts: every rejection carries its reason and numbers.
import { Type, type Static } from 'typebox';
import { HotspotNameField } from '../registry/hotspot-view';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import type { BeaconVerdictRow, LinkSummary, WitnessVerdictRow } from './pocs-repository';

const Details = Type.Record(Type.String(), Type.Unknown(), { description: 'The numbers behind the verdict (distanceM, expectedMaxRssiDbm, observed values, lagMs, ...).' });

export const PocWitness = Type.Object(
  {
    witnessId: Type.String(),
    beaconId: Type.String(),
    hotspot: Type.String(),
    hotspotName: HotspotNameField(),
    beaconer: Type.String(),
    beaconerName: HotspotNameField(),
    receivedAt: Type.String({ format: 'date-time' }),
    valid: Type.Boolean(),
    reason: Type.Union([Type.String(), Type.Null()], {
      description:
        'Stable reason code when invalid. With details.side = "beaconer" it is the beacon\'s own reason (its beaconer failed a check, e.g. gateway_no_valid_witnesses): the witness is refused with its beacon, not for anything the witnessing hotspot did.',
    }),
    selected: Type.Boolean({ description: 'Among the rewarded witnesses of the beacon.' }),
    rssiDbm: Type.Number(),
    snrDb: Type.Number(),
    distanceM: Type.Union([Type.Integer(), Type.Null()]),
    locationCell: Type.Union([Type.String(), Type.Null()]),
    details: Details,
  },
  { $id: 'PocWitness' },
);

export const PocBeacon = Type.Object(
  {
    beaconId: Type.String(),
    hotspot: Type.String(),
    hotspotName: HotspotNameField(),
    receivedAt: Type.String({ format: 'date-time' }),
    epoch: Type.Integer(),
    valid: Type.Boolean(),
    reason: Type.Union([Type.String(), Type.Null()]),
    locationCell: Type.Union([Type.String(), Type.Null()]),
    witnessCount: Type.Integer(),
    validWitnessCount: Type.Integer(),
    selectedWitnessCount: Type.Integer(),
    details: Details,
    witnesses: Type.Array(Type.Ref('PocWitness'), { description: 'Every witness of the beacon, selected and unselected, valid and invalid.' }),
  },
  { $id: 'PocBeacon' },
);

export const LinkView = Type.Object(
  {
    hotspot: Type.String(),
    hotspotName: HotspotNameField(),
    reports: Type.Integer(),
    valid: Type.Integer(),
    selected: Type.Integer(),
    bestRssiDbm: Type.Number(),
    medianRssiDbm: Type.Number(),
    meanSnrDb: Type.Number(),
    distanceM: Type.Union([Type.Integer(), Type.Null()]),
    lastReceivedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'PocLink' },
);

export type PocWitnessView = Static<typeof PocWitness>;

export const toWitnessView = (w: WitnessVerdictRow): PocWitnessView => ({
  witnessId: w.witnessId,
  beaconId: w.beaconId,
  hotspot: w.hotspotAddress,
  hotspotName: hotspotName(w.hotspotAddress),
  beaconer: w.beaconerAddress,
  beaconerName: hotspotName(w.beaconerAddress),
  receivedAt: new Date(w.receivedAtMs).toISOString(),
  valid: w.valid,
  reason: w.reason,
  selected: w.selected,
  rssiDbm: w.signalDbmX10 / 10,
  snrDb: w.snrDbX10 / 10,
  distanceM: w.distanceM,
  locationCell: w.locationCell,
  details: w.details,
});

export const toBeaconView = (b: BeaconVerdictRow, witnesses: WitnessVerdictRow[]) => ({
  beaconId: b.beaconId,
  hotspot: b.hotspotAddress,
  hotspotName: hotspotName(b.hotspotAddress),
  receivedAt: new Date(b.receivedAtMs).toISOString(),
  epoch: b.epoch,
  valid: b.valid,
  reason: b.reason,
  locationCell: b.locationCell,
  witnessCount: b.witnessCount,
  validWitnessCount: b.validWitnessCount,
  selectedWitnessCount: b.selectedWitnessCount,
  details: b.details,
  witnesses: witnesses.map(toWitnessView),
});

export const toLinkView = (l: LinkSummary) => ({
  hotspot: l.hotspot,
  hotspotName: hotspotName(l.hotspot),
  reports: l.reports,
  valid: l.valid,
  selected: l.selected,
  bestRssiDbm: l.bestSignalDbmX10 / 10,
  medianRssiDbm: l.medianSignalDbmX10 / 10,
  meanSnrDb: l.meanSnrDbX10 / 10,
  distanceM: l.distanceM,
  lastReceivedAt: new Date(l.lastReceivedAtMs).toISOString(),
});
