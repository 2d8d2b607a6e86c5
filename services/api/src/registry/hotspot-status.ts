/**
 * What an owner wants to see next to a hotspot's registry data: its current transmit scale and
 * whether it is interactive (from the coverage snapshot, so it agrees with the map), when it last
 * beaconed, witnessed and carried a packet, whether it is online, and its lifetime rewards. Built
 * for a whole page of hotspots with one query per source, so a fleet listing costs the same few
 * queries whether it has one hotspot or five hundred.
 */
import { Type, type Static } from 'typebox';
import type postgres from 'postgres';
import type { Snapshot } from '../coverage/coverage-snapshot';

export const HotspotStatus = Type.Object({
  transmitScale: Type.Number({ description: 'HIP-17 scale its beacons and witnesses earn with now (0.2 when not interactive).' }),
  interactive: Type.Boolean({ description: 'A valid, witnessed beacon in the last 60 hours.' }),
  lastBeaconAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastWitnessAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastPacketAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  online: Type.Boolean({ description: 'Reported a beacon or witness, or carried a packet, within two beacon intervals.' }),
  lifetimeRewards: Type.String({ description: 'Token base units paid over all epochs.' }),
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
  const [activities, lifetime] = await Promise.all([
    lastActivities(sql, addresses),
    sql<{ a: string; v: string }[]>`select hotspot_address as a, lifetime_amount::text as v from reward_index where hotspot_address = any(${addresses})`,
  ]);
  const { beacons, witnesses, packets } = activities;
  const lifetimeBy = new Map(lifetime.map((r) => [r.a, r.v]));
  for (const a of addresses) {
    const lastActivity = lastSeenMs(activities, a);
    const coverage = snapshot.hotspot(a);
    out.set(a, {
      transmitScale: coverage?.scale ?? 0.2,
      interactive: coverage?.interactive ?? false,
      lastBeaconAt: iso(beacons.get(a)),
      lastWitnessAt: iso(witnesses.get(a)),
      lastPacketAt: iso(packets.get(a)),
      online: isOnline(lastActivity, nowMs, onlineWindowMs),
      lifetimeRewards: lifetimeBy.get(a) ?? '0',
    });
  }
  return out;
}
