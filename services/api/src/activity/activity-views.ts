/**
 * Public shapes of a hotspot's activity feed. One item per event, a union told apart by `type`
 * (an OpenAPI discriminator over oneOf): each type is its own named schema listing exactly its
 * fields, all required, so a client generated from the document gets a tagged union and the docs
 * show each type's fields where it is described. One object with a `type` and a free-form
 * `details` would have documented none of them.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { cellToLatLng, cellToParent } from 'h3-js';
import { asFraudAction, FraudAction } from '../rewards/fraud-action';
import { ACTIVITY_TYPES, TYPE_RANK, type ActivityKey, type ActivityType } from './activity-page';
import type { ActivityRow } from './activity-repository';

const Amount = (description: string) => Type.String({ pattern: '^[0-9]+$', description: `${description} Token base units.` });
const Reason = Type.Union([Type.String(), Type.Null()], { description: 'Stable reason code when invalid (as the PoC views give it), null when valid.' });

/** ActivityOnboarded, ActivityLocationAsserted, ...: the schema's $id and its OpenAPI component's name. */
const variantId = (type: ActivityType) => `Activity${type.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}`;

function variant<T extends ActivityType, P extends Record<string, TSchema>>(type: T, description: string, timeDescription: string, properties: P) {
  return Type.Object({ type: Type.Literal(type), time: Type.String({ format: 'date-time', description: timeDescription }), ...properties }, { $id: variantId(type), description });
}

export const ActivityOnboarded = variant('onboarded', 'The hotspot was onboarded by its maker.', 'When it was onboarded.', {
  makerId: Type.String(),
  capability: Type.Union([Type.Literal('full'), Type.Literal('data_only')]),
});

export const ActivityLocationAsserted = variant('location_asserted', 'Its owner asserted a location (GET /v1/hotspots/{address}/locations lists them all).', 'When the assertion was accepted.', {
  nonce: Type.String({ description: 'Nonce of the assertion (64-bit, as text).' }),
  cell: Type.String({ description: 'Asserted location, H3 res-12 cell (hex).' }),
  cellRes8: Type.String({ description: 'Its res-8 parent: the public, coarse location maps show.' }),
  lat: Type.Number({ description: 'Centre of the res-12 cell.' }),
  lng: Type.Number(),
  gainDbi: Type.Number({ description: 'Antenna gain, dBi.' }),
  elevationM: Type.Integer(),
  region: Type.String({ description: 'LoRaWAN regional plan of the location.' }),
});

export const ActivityTransferred = variant('transferred', 'The hotspot changed owner.', 'When the transfer was accepted.', {
  nonce: Type.String({ description: 'Nonce of the transfer (64-bit, as text).' }),
  fromOwner: Type.String(),
  toOwner: Type.String(),
});

export const ActivityBeacon = variant('beacon', 'It beaconed, and the verifier judged the beacon (GET /v1/hotspots/{address}/pocs has its witnesses).', 'When the beacon report was received.', {
  beaconId: Type.String(),
  valid: Type.Boolean(),
  reason: Reason,
  witnessCount: Type.Integer({ description: 'Witnesses of the beacon, valid or not.' }),
  validWitnessCount: Type.Integer(),
});

export const ActivityWitness = variant('witness', "It witnessed another hotspot's beacon, and the verifier judged the witness.", 'When the witness report was received.', {
  witnessId: Type.String(),
  beaconId: Type.String(),
  beaconer: Type.String({ description: 'Address of the hotspot that beaconed.' }),
  valid: Type.Boolean(),
  reason: Reason,
  selected: Type.Boolean({ description: 'Among the rewarded witnesses of the beacon.' }),
  rssiDbm: Type.Number(),
  snrDb: Type.Number(),
  distanceM: Type.Union([Type.Integer(), Type.Null()], { description: 'From the beaconer, when both locations were known.' }),
});

export const ActivityRewarded = variant(
  'rewarded',
  'An epoch paid it (GET /v1/hotspots/{address}/rewards/epochs has the shares behind the amounts).',
  "The epoch's end (exclusive), as the reward views give it: the amounts are for its work up to then.",
  {
    epoch: Type.Integer(),
    beaconAmount: Amount('For its beacons.'),
    witnessAmount: Amount('For its witnesses.'),
    dataAmount: Amount('For the packets it carried.'),
    totalAmount: Amount('Beacon + witness + data.'),
  },
);

export const ActivityFlagged = variant(
  'flagged',
  'Fraud analytics flagged it for an epoch (GET /v1/hotspots/{address}/flags has the evidence).',
  "The epoch's end (exclusive): an epoch is analysed once it is over.",
  {
    epoch: Type.Integer(),
    kind: Type.String({ description: 'The check that raised it (location_spoofer, gaming_ring, fabricated_rssi, replayer, clock_skew, beacon_spammer, ...).' }),
    score: Type.Number({ description: 'How strongly the evidence points at the kind, 0..1.' }),
    action: FraudAction,
  },
);

export const ActivityWitnessStale = variant(
  'witness_stale',
  'A witness report of it that no beacon claimed before the verifier aged it out: never judged, never paid.',
  'When the witness report was received.',
  {
    witnessId: Type.String(),
    reason: Type.String({ description: 'Stable reason code, as the PoC views give it.' }),
    cause: Type.Union([Type.Literal('no_beacon'), Type.Literal('outside_beacon_window'), Type.Null()], {
      description: 'no_beacon: no beacon of that payload was reported; outside_beacon_window: one was, but the report came outside its window.',
    }),
    beaconId: Type.Union([Type.String(), Type.Null()], { description: 'The beacon of that payload, when there was one.' }),
    agedOutAt: Type.String({ format: 'date-time', description: 'When the verifier gave up matching it.' }),
  },
);

const VARIANTS = [ActivityOnboarded, ActivityLocationAsserted, ActivityTransferred, ActivityBeacon, ActivityWitness, ActivityFlagged, ActivityRewarded, ActivityWitnessStale];

export const ActivityItem = Type.Unsafe<
  | Static<typeof ActivityOnboarded>
  | Static<typeof ActivityLocationAsserted>
  | Static<typeof ActivityTransferred>
  | Static<typeof ActivityBeacon>
  | Static<typeof ActivityWitness>
  | Static<typeof ActivityRewarded>
  | Static<typeof ActivityFlagged>
  | Static<typeof ActivityWitnessStale>
>({
  $id: 'ActivityItem',
  type: 'object',
  description: `One event, told apart by \`type\`: ${ACTIVITY_TYPES.join(', ')}. Newest first; events at the same millisecond in the order ${[...ACTIVITY_TYPES].reverse().join(', ')}.`,
  oneOf: ACTIVITY_TYPES.map((t) => Type.Ref(variantId(t))),
  discriminator: { propertyName: 'type', mapping: Object.fromEntries(ACTIVITY_TYPES.map((t) => [t, `#/components/schemas/${variantId(t)}`])) },
});
export type ActivityItem = Static<typeof ActivityItem>;

/** Registered once at the root; routes refer to them by $id. */
export const activitySchemas = [...VARIANTS, ActivityItem];

export const ActivityCounts = Type.Object(
  Object.fromEntries(ACTIVITY_TYPES.map((t) => [t, Type.Integer({ minimum: 0 })])) as Record<ActivityType, ReturnType<typeof Type.Integer>>,
  { description: 'Events of each type in the range; every type is present, 0 when none.' },
);

const iso = (ms: number) => new Date(ms).toISOString();

export function toActivityItem(row: ActivityRow): ActivityItem {
  const time = iso(row.timeMs);
  switch (row.type) {
    case 'onboarded':
      return { type: row.type, time, makerId: row.makerId, capability: row.capability };
    case 'location_asserted': {
      const [lat, lng] = cellToLatLng(row.locationCell);
      return {
        type: row.type,
        time,
        nonce: row.nonce.toString(),
        cell: row.locationCell,
        cellRes8: cellToParent(row.locationCell, 8),
        lat,
        lng,
        gainDbi: row.gainDbiX10 / 10,
        elevationM: row.elevationM,
        region: row.region,
      };
    }
    case 'transferred':
      return { type: row.type, time, nonce: row.nonce.toString(), fromOwner: row.fromOwner, toOwner: row.toOwner };
    case 'beacon':
      return { type: row.type, time, beaconId: row.beaconId, valid: row.valid, reason: row.reason, witnessCount: row.witnessCount, validWitnessCount: row.validWitnessCount };
    case 'witness':
      return {
        type: row.type,
        time,
        witnessId: row.witnessId,
        beaconId: row.beaconId,
        beaconer: row.beaconer,
        valid: row.valid,
        reason: row.reason,
        selected: row.selected,
        rssiDbm: row.signalDbmX10 / 10,
        snrDb: row.snrDbX10 / 10,
        distanceM: row.distanceM,
      };
    case 'rewarded':
      return {
        type: row.type,
        time,
        epoch: row.epoch,
        beaconAmount: row.beaconAmount.toString(),
        witnessAmount: row.witnessAmount.toString(),
        dataAmount: row.dataAmount.toString(),
        totalAmount: (row.beaconAmount + row.witnessAmount + row.dataAmount).toString(),
      };
    case 'flagged':
      return { type: row.type, time, epoch: row.epoch, kind: row.kind, score: row.score, action: asFraudAction(row.policy) };
    case 'witness_stale':
      return { type: row.type, time, witnessId: row.witnessId, reason: row.reason, cause: asStaleCause(row.cause), beaconId: row.beaconId, agedOutAt: iso(row.agedOutAtMs) };
  }
}

/** The verifier writes one of two causes; anything else (a row from a later verifier) shows as unknown, null. */
const asStaleCause = (cause: string | null): 'no_beacon' | 'outside_beacon_window' | null => (cause === 'no_beacon' || cause === 'outside_beacon_window' ? cause : null);

export const keyOf = (row: ActivityRow): ActivityKey => ({ timeMs: row.timeMs, rank: TYPE_RANK[row.type], id: row.id });

/**
 * The CSV columns: type and time, then the union of every type's fields, each filled only for the
 * types that have it (nonce: location_asserted and transferred; beacon_id, valid, reason: beacon and
 * witness; epoch: rewarded and flagged; witness_id: witness and witness_stale). New columns go at
 * the end, so an export's columns keep their places.
 */
export const ACTIVITY_CSV_COLUMNS = [
  ['type', 'type'],
  ['time', 'time'],
  ['maker_id', 'makerId'],
  ['capability', 'capability'],
  ['nonce', 'nonce'],
  ['cell', 'cell'],
  ['cell_res8', 'cellRes8'],
  ['lat', 'lat'],
  ['lng', 'lng'],
  ['gain_dbi', 'gainDbi'],
  ['elevation_m', 'elevationM'],
  ['region', 'region'],
  ['from_owner', 'fromOwner'],
  ['to_owner', 'toOwner'],
  ['beacon_id', 'beaconId'],
  ['witness_id', 'witnessId'],
  ['beaconer', 'beaconer'],
  ['valid', 'valid'],
  ['reason', 'reason'],
  ['witness_count', 'witnessCount'],
  ['valid_witness_count', 'validWitnessCount'],
  ['selected', 'selected'],
  ['rssi_dbm', 'rssiDbm'],
  ['snr_db', 'snrDb'],
  ['distance_m', 'distanceM'],
  ['epoch', 'epoch'],
  ['beacon_amount', 'beaconAmount'],
  ['witness_amount', 'witnessAmount'],
  ['data_amount', 'dataAmount'],
  ['total_amount', 'totalAmount'],
  ['kind', 'kind'],
  ['score', 'score'],
  ['action', 'action'],
  ['cause', 'cause'],
  ['aged_out_at', 'agedOutAt'],
] as const;

export const activityCsvHeader = ACTIVITY_CSV_COLUMNS.map(([column]) => column);

export function toActivityCsvRow(item: ActivityItem): unknown[] {
  const fields = item as Record<string, unknown>;
  return ACTIVITY_CSV_COLUMNS.map(([, field]) => fields[field]);
}
