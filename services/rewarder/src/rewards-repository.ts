/**
 * The rewarder's own tables: protocol parameter sets, computed epochs (manifest, totals,
 * accounting), per-hotspot epoch amounts and the lifetime reward index.
 */
import type { ProtocolParameterSet } from './parameter-set';
import type { Queryable } from './queryable';

export interface StoredParameterSet {
  id: number;
  effectiveFromEpoch: number;
  params: ProtocolParameterSet;
  paramsHash: string;
}

/** The set in force for `epoch`: greatest (effective_from_epoch, id) not after it. */
export async function parameterSetForEpoch(sql: Queryable, epoch: number): Promise<StoredParameterSet | undefined> {
  const [row] = await sql<{ id: number; effective_from_epoch: number; params: ProtocolParameterSet; params_hash: string }[]>`
    select id, effective_from_epoch, params, params_hash from reward_parameter_sets
    where effective_from_epoch <= ${epoch}
    order by effective_from_epoch desc, id desc limit 1`;
  return row && { id: row.id, effectiveFromEpoch: row.effective_from_epoch, params: row.params, paramsHash: row.params_hash };
}

export async function insertParameterSet(sql: Queryable, set: ProtocolParameterSet, hash: string, effectiveFromEpoch: number, createdAtMs: number): Promise<StoredParameterSet> {
  const [row] = await sql<{ id: number }[]>`
    insert into reward_parameter_sets (effective_from_epoch, params, params_hash, created_at_ms)
    values (${effectiveFromEpoch}, ${JSON.stringify(set)}::jsonb, ${hash}, ${createdAtMs}) returning id`;
  if (!row) throw new Error('parameter set insert returned nothing');
  return { id: row.id, effectiveFromEpoch, params: set, paramsHash: hash };
}

export async function latestComputedEpoch(sql: Queryable): Promise<number | undefined> {
  const [row] = await sql<{ epoch: number | null }[]>`select max(epoch) as epoch from reward_epochs`;
  return row?.epoch ?? undefined;
}

export interface RewardEpochRow {
  epoch: number;
  startMs: number;
  endMs: number;
  parameterSetId: number;
  manifestHash: string;
  signature: string;
  oraclePublicKey: string;
  merkleRoot: string;
  fileName: string;
  emission: bigint;
  hotspotsRewarded: number;
  beaconAmount: bigint;
  witnessAmount: bigint;
  dataAmount: bigint;
  operationsAmount: bigint;
  oraclesAmount: bigint;
  unallocatedAmount: bigint;
  dcBurned: bigint;
  dcBurnedUsd: string;
  tokenPriceUsd: string;
  emittedUsd: string;
  summary: Record<string, unknown>;
  computedAtMs: number;
}

const EPOCH_COLUMNS = `epoch, start_ms as "startMs", end_ms as "endMs", parameter_set_id as "parameterSetId", manifest_hash as "manifestHash",
  signature, oracle_public_key as "oraclePublicKey", merkle_root as "merkleRoot", file_name as "fileName", emission,
  hotspots_rewarded as "hotspotsRewarded", beacon_amount as "beaconAmount", witness_amount as "witnessAmount", data_amount as "dataAmount",
  operations_amount as "operationsAmount", oracles_amount as "oraclesAmount", unallocated_amount as "unallocatedAmount",
  dc_burned as "dcBurned", dc_burned_usd as "dcBurnedUsd", token_price_usd as "tokenPriceUsd", emitted_usd as "emittedUsd",
  summary, computed_at_ms as "computedAtMs"`;

export async function findRewardEpoch(sql: Queryable, epoch: number): Promise<RewardEpochRow | undefined> {
  const [row] = await sql.unsafe<RewardEpochRow[]>(`select ${EPOCH_COLUMNS} from reward_epochs where epoch = $1`, [epoch]);
  return row && { ...row, startMs: Number(row.startMs), endMs: Number(row.endMs), computedAtMs: Number(row.computedAtMs) };
}

/** Names of every file the epoch published (its manifest, then the Helium exports), without the document. */
export async function findEpochFileNames(sql: Queryable, epoch: number): Promise<string[] | undefined> {
  const [row] = await sql<{ file_name: string; helium_files: string[] | null }[]>`
    select file_name, summary->'heliumFiles' as helium_files from reward_epochs where epoch = ${epoch}`;
  return row && [row.file_name, ...(row.helium_files ?? [])];
}

export async function findEpochDocument(sql: Queryable, epoch: number): Promise<{ fileName: string; documentGz: Uint8Array } | undefined> {
  const [row] = await sql<{ file_name: string; document_gz: Uint8Array }[]>`select file_name, document_gz from reward_epochs where epoch = ${epoch}`;
  return row && { fileName: row.file_name, documentGz: row.document_gz };
}

export async function insertRewardEpoch(sql: Queryable, row: RewardEpochRow, documentGz: Uint8Array): Promise<void> {
  await sql`
    insert into reward_epochs (epoch, start_ms, end_ms, parameter_set_id, manifest_hash, signature, oracle_public_key, merkle_root, file_name,
      emission, hotspots_rewarded, beacon_amount, witness_amount, data_amount, operations_amount, oracles_amount, unallocated_amount,
      dc_burned, dc_burned_usd, token_price_usd, emitted_usd, summary, document_gz, computed_at_ms)
    values (${row.epoch}, ${row.startMs}, ${row.endMs}, ${row.parameterSetId}, ${row.manifestHash}, ${row.signature}, ${row.oraclePublicKey},
      ${row.merkleRoot}, ${row.fileName}, ${String(row.emission)}::int8, ${row.hotspotsRewarded}, ${String(row.beaconAmount)}::int8, ${String(row.witnessAmount)}::int8, ${String(row.dataAmount)}::int8,
      ${String(row.operationsAmount)}::int8, ${String(row.oraclesAmount)}::int8, ${String(row.unallocatedAmount)}::int8, ${String(row.dcBurned)}::int8, ${row.dcBurnedUsd}, ${row.tokenPriceUsd},
      ${row.emittedUsd}, ${JSON.stringify(row.summary)}::jsonb, ${Buffer.from(documentGz)}, ${row.computedAtMs})`;
}

export interface HotspotEpochAmounts {
  address: string;
  beaconAmount: bigint;
  witnessAmount: bigint;
  dataAmount: bigint;
  beaconSharesE8: bigint;
  witnessSharesE8: bigint;
  dataDc: bigint;
  lifetimeAmount: bigint;
}

const CHUNK = 50_000;
const text = (values: bigint[]): string[] => values.map(String);

/**
 * Writes the epoch's per-hotspot rows and moves the lifetime index to the new totals. The index
 * takes absolute values computed from the index as read in the same transaction, and only ever
 * moves forward (last_epoch), so replaying an epoch can never add its amounts twice.
 */
export async function insertHotspotAmounts(sql: Queryable, epoch: number, rows: readonly HotspotEpochAmounts[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const addresses = sql.array(part.map((r) => r.address));
    await sql`
      insert into hotspot_epoch_rewards (hotspot_address, epoch, beacon_amount, witness_amount, data_amount,
        beacon_shares_e8, witness_shares_e8, data_dc, lifetime_amount)
      select a, ${epoch}::int, b::int8, w::int8, d::int8, bs::int8, ws::int8, dc::int8, l::int8
      from unnest(${addresses}::text[], ${sql.array(text(part.map((r) => r.beaconAmount)))}::text[],
        ${sql.array(text(part.map((r) => r.witnessAmount)))}::text[], ${sql.array(text(part.map((r) => r.dataAmount)))}::text[],
        ${sql.array(text(part.map((r) => r.beaconSharesE8)))}::text[], ${sql.array(text(part.map((r) => r.witnessSharesE8)))}::text[],
        ${sql.array(text(part.map((r) => r.dataDc)))}::text[], ${sql.array(text(part.map((r) => r.lifetimeAmount)))}::text[])
        as t(a, b, w, d, bs, ws, dc, l)`;
    await sql`
      insert into reward_index (hotspot_address, lifetime_amount, last_epoch)
      select a, l::int8, ${epoch}::int from unnest(${addresses}::text[], ${sql.array(text(part.map((r) => r.lifetimeAmount)))}::text[]) as t(a, l)
      on conflict (hotspot_address) do update set lifetime_amount = excluded.lifetime_amount, last_epoch = excluded.last_epoch
      where reward_index.last_epoch < excluded.last_epoch`;
  }
}

/** Lifetime totals as the index holds them now (through the latest computed epoch). */
export async function lifetimeFromIndex(sql: Queryable): Promise<Map<string, bigint>> {
  const rows = await sql<{ a: string; l: bigint }[]>`select hotspot_address as a, lifetime_amount as l from reward_index`;
  return new Map(rows.map((r) => [r.a, BigInt(r.l)]));
}

/** Lifetime totals before `epoch`, rebuilt from the per-epoch rows (for recomputing a past epoch). */
export async function lifetimeBeforeEpoch(sql: Queryable, epoch: number): Promise<Map<string, bigint>> {
  const rows = await sql<{ a: string; l: bigint }[]>`
    select distinct on (hotspot_address) hotspot_address as a, lifetime_amount as l
    from hotspot_epoch_rewards where epoch < ${epoch}
    order by hotspot_address, epoch desc`;
  return new Map(rows.map((r) => [r.a, BigInt(r.l)]));
}
