/**
 * What an owner wants to see next to a hotspot's registry data: its current transmit scale (none
 * for a data-only hotspot, which takes no part in proof-of-coverage) and whether it is interactive (from the coverage snapshot, so it agrees with the map), when it last
 * beaconed, witnessed and carried a packet, whether it is online, its lifetime rewards, whether
 * the denylist denies it, what it has earned so far in the epoch not paid yet, and whether fraud
 * analytics flagged it in the latest paid epoch. Built
 * for a whole page of hotspots with one query per source, so a fleet listing costs the same few
 * queries whether it has one hotspot or five hundred.
 */
import { Type, type Static } from 'typebox';
import type postgres from 'postgres';
import { HIP104_HEX_DENSITY_PARAMS } from '@cov/shared/rewards/hex-density';
import type { Snapshot } from '../coverage/coverage-snapshot';
import { PocEligibleSchema, pocEligible, shownTransmitScale, transmitScaleSchema } from '../coverage/poc-eligibility';
import type { HotspotCapability } from '@cov/shared/poc/context';
import { asFraudAction, FraudAction } from '../rewards/fraud-action';
import { StandingSchema } from '../rewards/reward-views';
import { rewardStanding, type RewardDistribution } from '@cov/shared/rewards/reward-distribution';
import { epochTotals } from '@cov/shared/earnings/epoch-totals';
import { latestProvisionalTotals } from '../rewards/provisional-rewards-read-repository';

export const HotspotStatus = Type.Object({
  transmitScale: transmitScaleSchema('its beacons and witnesses earn with now'),
  pocEligible: PocEligibleSchema,
  interactive: Type.Boolean({ description: 'A valid, witnessed beacon in the last 60 hours.' }),
  lastBeaconAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastWitnessAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastPacketAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  online: Type.Boolean({ description: 'Reported a beacon or witness, or carried a packet, within two beacon intervals.' }),
  lifetimeRewards: Type.String({ description: 'Token base units paid over all epochs.' }),
  denylisted: Type.Union(
    [
      Type.Object({
        since: Type.String({ format: 'date-time', description: 'When the denylist version that added it was published.' }),
        denylistVersion: Type.Integer({ description: 'That version; PoC verdicts of it name the same version.' }),
      }),
      Type.Null(),
    ],
    { description: 'On the network denylist: its beacons and witnesses are refused and it carries no packets, so it earns nothing. null when not.' },
  ),
  latestEpoch: Type.Union(
    [
      Type.Object({
        epoch: Type.Integer({ description: 'The latest paid epoch.' }),
        totalAmount: Type.String({ description: 'What it paid this hotspot (beacon + witness + data), token base units; "0" when nothing.' }),
        standing: Type.Union([StandingSchema, Type.Null()], {
          description: "Where that falls among the hotspots the epoch paid (GET /v1/rewards/epochs/{epoch} has the spread); null when it paid this one nothing, or the spread is not recorded yet.",
        }),
      }),
      Type.Null(),
    ],
    { description: 'What the latest paid epoch paid it, and how that compares with the others; null while no epoch is paid.' },
  ),
  earningSoFar: Type.Union(
    [
      Type.Object({
        epoch: Type.Integer({ description: 'The latest epoch not paid yet (usually the one in progress).' }),
        asOf: Type.String({ format: 'date-time', description: 'Inputs recorded before this instant are counted.' }),
        totalAmount: Type.String({ description: 'What it has earned in that epoch so far (beacon + witness + data), token base units; "0" when nothing. Not final: /v1/hotspots/{address}/rewards/pending has the split and what can still change.' }),
      }),
      Type.Null(),
    ],
    { description: "Today's earnings so far, from the rewarder's provisional rewards (recomputed every PROVISIONAL_REWARDS_INTERVAL_MS); null before its first run." },
  ),
  flaggedLastEpoch: Type.Union(
    [
      Type.Object({
        epoch: Type.Integer({ description: 'The latest paid epoch.' }),
        kinds: Type.Array(Type.String(), { description: 'Fraud analytics checks that flagged it (location_spoofer, gaming_ring, ...).' }),
        action: FraudAction,
      }),
      Type.Null(),
    ],
    {
      description:
        'Flagged by fraud analytics in the latest paid epoch (so its valid PoCs may have earned nothing; evidence at /v1/hotspots/:address/flags). transmitScale and interactive are figures of the coverage map, which (under FRAUD_POLICY=exclude, as the rewarder) leaves out hotspots flagged in the latest epoch fraud analytics have analysed: such a hotspot shows interactive false. null when not flagged.',
    },
  ),
});
export type HotspotStatus = Static<typeof HotspotStatus>;

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** When each hotspot last beaconed, witnessed and carried a packet (server receive times, ms); absent when never. */
export interface LastActivities {
  beacons: Map<string, number>;
  witnesses: Map<string, number>;
  packets: Map<string, number>;
}

export async function lastActivities(sql: postgres.ISql, addresses: string[]): Promise<LastActivities> {
  const lastOf = async (table: 'beacon_reports' | 'witness_reports' | 'packet_copies') => {
    const rows = await sql<{ a: string; t: string }[]>`
      select hotspot_address as a, max(received_at_ms)::text as t from ${sql(table)} where hotspot_address = any(${addresses}) group by 1`;
    return new Map(rows.map((r) => [r.a, Number(r.t)]));
  };
  const [beacons, witnesses, packets] = await Promise.all([lastOf('beacon_reports'), lastOf('witness_reports'), lastOf('packet_copies')]);
  return { beacons, witnesses, packets };
}

/** The latest of a hotspot's activities (0 when it has none): what "online" is judged by. */
export function lastSeenMs(activities: LastActivities, address: string): number {
  return Math.max(activities.beacons.get(address) ?? 0, activities.witnesses.get(address) ?? 0, activities.packets.get(address) ?? 0);
}

/** Online: some activity within the window (two beacon intervals). */
export function isOnline(lastSeen: number, nowMs: number, onlineWindowMs: number): boolean {
  return lastSeen > 0 && nowMs - lastSeen <= onlineWindowMs;
}

export async function hotspotStatuses(sql: postgres.ISql, addresses: string[], snapshot: Snapshot, nowMs: number, onlineWindowMs: number): Promise<Map<string, HotspotStatus>> {
  const out = new Map<string, HotspotStatus>();
  if (addresses.length === 0) return out;
  const [capabilities, activities, lifetime, denied, flagged, latest, soFar] = await Promise.all([
    // The snapshot holds asserted hotspots only; a data-only hotspot needs no location to be one.
    sql<{ a: string; c: HotspotCapability }[]>`select address as a, capability as c from hotspots where address = any(${addresses})`,
    lastActivities(sql, addresses),
    sql<{ a: string; v: string }[]>`select hotspot_address as a, lifetime_amount::text as v from reward_index where hotspot_address = any(${addresses})`,
    deniedKeys(sql, addresses),
    flaggedInLastPaidEpoch(sql, addresses),
    latestEpochRewards(sql, addresses),
    // The latest open epoch's provisional run (rewarder/provisional-rewards.ts) and the page's totals in it.
    latestProvisionalTotals(sql, addresses),
  ]);
  const { beacons, witnesses, packets } = activities;
  const lifetimeBy = new Map(lifetime.map((r) => [r.a, r.v]));
  const capabilityBy = new Map(capabilities.map((r) => [r.a, r.c]));
  for (const a of addresses) {
    const lastActivity = lastSeenMs(activities, a);
    const coverage = snapshot.hotspot(a);
    const capability = capabilityBy.get(a) ?? 'full';
    out.set(a, {
      // Not in the snapshot (no location asserted): the default scale of a hotspot not interactive.
      transmitScale: coverage ? coverage.scale : shownTransmitScale(capability, HIP104_HEX_DENSITY_PARAMS.defaultScaleE4 / 10_000),
      pocEligible: pocEligible(capability),
      interactive: coverage?.interactive ?? false,
      lastBeaconAt: iso(beacons.get(a)),
      lastWitnessAt: iso(witnesses.get(a)),
      lastPacketAt: iso(packets.get(a)),
      online: isOnline(lastActivity, nowMs, onlineWindowMs),
      lifetimeRewards: lifetimeBy.get(a) ?? '0',
      denylisted: denied.get(a) ?? null,
      latestEpoch: latest && latestEpochOf(latest, a),
      earningSoFar: soFar && { epoch: soFar.epoch, asOf: new Date(soFar.asOfMs).toISOString(), totalAmount: soFar.totals.get(a) ?? '0' },
      flaggedLastEpoch: flagged.get(a) ?? null,
    });
  }
  return out;
}

interface LatestEpochRewards {
  epoch: number;
  spread: RewardDistribution | null;
  totals: Map<string, bigint>;
}

/** The latest paid epoch, its spread over the hotspots it paid, and what it paid these: two queries, whatever the page. */
async function latestEpochRewards(sql: postgres.ISql, addresses: string[]): Promise<LatestEpochRewards | null> {
  const [latest] = await sql<{ epoch: number; spread: RewardDistribution | null }[]>`
    select epoch, summary->'perHotspot' as spread from reward_epochs order by epoch desc limit 1`;
  if (!latest) return null;
  return { epoch: latest.epoch, spread: latest.spread, totals: await epochTotals(sql, latest.epoch, addresses) };
}

function latestEpochOf(latest: LatestEpochRewards, address: string): NonNullable<HotspotStatus['latestEpoch']> {
  const total = latest.totals.get(address);
  return {
    epoch: latest.epoch,
    totalAmount: (total ?? 0n).toString(),
    standing: total !== undefined && total > 0n && latest.spread ? rewardStanding(total, latest.spread) : null,
  };
}

/**
 * Flags fraud analytics raised on these hotspots in the latest paid epoch, with the policy its
 * payment applied: what explains an epoch of valid PoCs and no PoC rewards. One query through the
 * flags' (epoch, hotspot) key.
 */
async function flaggedInLastPaidEpoch(sql: postgres.ISql, addresses: string[]): Promise<Map<string, NonNullable<HotspotStatus['flaggedLastEpoch']>>> {
  const rows = await sql<{ a: string; epoch: number; kind: string; policy: string | null }[]>`
    select f.hotspot_address as a, f.epoch, f.kind, ps.params->>'fraudPolicy' as policy
    from fraud_flags f
    join reward_epochs e on e.epoch = f.epoch
    join reward_parameter_sets ps on ps.id = e.parameter_set_id
    where f.epoch = (select max(epoch) from reward_epochs) and f.hotspot_address = any(${addresses})
    order by f.hotspot_address, f.kind`;
  const out = new Map<string, NonNullable<HotspotStatus['flaggedLastEpoch']>>();
  for (const r of rows) {
    const entry = out.get(r.a);
    if (entry) entry.kinds.push(r.kind);
    else out.set(r.a, { epoch: r.epoch, kinds: [r.kind], action: asFraudAction(r.policy) });
  }
  return out;
}

/**
 * Which of these hotspots the current denylist denies by key (denied edges only refuse single
 * links, so they are not a hotspot's status). The entry's reason stays with the admin API: the
 * public sees that and since when, as with Helium's published denylist.
 */
async function deniedKeys(sql: postgres.ISql, addresses: string[]): Promise<Map<string, NonNullable<HotspotStatus['denylisted']>>> {
  const rows = await sql<{ a: string; v: number; t: string }[]>`
    select e.address as a, e.added_in_version as v, dv.created_at_ms::text as t
    from denylist_entries e join denylist_versions dv on dv.version = e.added_in_version
    where e.kind = 'key' and e.removed_in_version is null and e.address = any(${addresses})`;
  return new Map(rows.map((r) => [r.a, { since: new Date(Number(r.t)).toISOString(), denylistVersion: r.v }]));
}
