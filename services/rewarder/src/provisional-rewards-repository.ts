/**
 * The provisional rewards tables (shared/db/schema/provisional-rewards.ts): an epoch's run is
 * replaced whole, its hotspot rows with it, so readers see one run or the next, never a mix.
 */
import type { Queryable } from './queryable';

export interface ProvisionalEpochRow {
  epoch: number;
  startMs: number;
  endMs: number;
  asOfMs: number;
  parameterSetId: number;
  /** Hotspots with a total above zero. */
  hotspotsRewarded: number;
  emission: bigint;
  beaconAmount: bigint;
  witnessAmount: bigint;
  dataAmount: bigint;
  dataDc: bigint;
  summary: Record<string, unknown>;
  computedAtMs: number;
}

export interface ProvisionalHotspotRow {
  address: string;
  beaconAmount: bigint;
  witnessAmount: bigint;
  dataAmount: bigint;
  beacons: number;
  witnesses: number;
  dataDc: bigint;
}

const CHUNK = 20_000;
const int8s = (values: bigint[]) => values.map((v) => v.toString());

/** Deletes the epoch's previous run (its hotspot rows cascade) and writes this one. Run in a transaction. */
export async function replaceProvisionalEpoch(sql: Queryable, epoch: ProvisionalEpochRow, hotspots: readonly ProvisionalHotspotRow[]): Promise<void> {
  await sql`delete from provisional_reward_epochs where epoch = ${epoch.epoch}`;
  await sql`
    insert into provisional_reward_epochs
      (epoch, start_ms, end_ms, as_of_ms, parameter_set_id, emission, hotspots, beacon_amount, witness_amount, data_amount, data_dc, summary, computed_at_ms)
    values (${epoch.epoch}, ${epoch.startMs}, ${epoch.endMs}, ${epoch.asOfMs}, ${epoch.parameterSetId}, ${epoch.emission.toString()}::int8,
      ${epoch.hotspotsRewarded}, ${epoch.beaconAmount.toString()}::int8, ${epoch.witnessAmount.toString()}::int8, ${epoch.dataAmount.toString()}::int8,
      ${epoch.dataDc.toString()}::int8, ${JSON.stringify(epoch.summary)}::jsonb, ${epoch.computedAtMs})`;
  for (let i = 0; i < hotspots.length; i += CHUNK) {
    const part = hotspots.slice(i, i + CHUNK);
    await sql`
      insert into provisional_hotspot_rewards (epoch, hotspot_address, beacon_amount, witness_amount, data_amount, beacons, witnesses, data_dc)
      select ${epoch.epoch}, * from unnest(
        ${sql.array(part.map((h) => h.address))}::text[],
        ${sql.array(int8s(part.map((h) => h.beaconAmount)))}::int8[],
        ${sql.array(int8s(part.map((h) => h.witnessAmount)))}::int8[],
        ${sql.array(int8s(part.map((h) => h.dataAmount)))}::int8[],
        ${sql.array(part.map((h) => h.beacons))}::int[],
        ${sql.array(part.map((h) => h.witnesses))}::int[],
        ${sql.array(int8s(part.map((h) => h.dataDc)))}::int8[])`;
  }
}

/** Removes the runs of every epoch outside `keep` (paid since, or older than the open ones). */
export async function deleteProvisionalEpochsExcept(sql: Queryable, keep: readonly number[]): Promise<number> {
  const rows = await sql`delete from provisional_reward_epochs where not (epoch = any(${sql.array([...keep])}::int[])) returning epoch`;
  return rows.length;
}

/** Removes the runs of `epoch` and every earlier one: called in the transaction that pays `epoch`. */
export async function deleteProvisionalEpochsThrough(sql: Queryable, epoch: number): Promise<void> {
  await sql`delete from provisional_reward_epochs where epoch <= ${epoch}`;
}
