/**
 * DB functions for the hotspot registry (hotspots, location_assertions and hotspot_transfers). Shared by every service
 * that needs to know a hotspot: the API, ingest (keys), the verifier (locations) and the router
 * (gateway EUIs). Functions take a drizzle handle so they run on the pool or inside a transaction.
 */
import { and, asc, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { hotspots, hotspotTransfers, locationAssertions } from '../db/schema/hotspots';
import { hotspotName } from './hotspot-name';

export type HotspotRow = typeof hotspots.$inferSelect;
export type NewHotspot = typeof hotspots.$inferInsert;
export type LocationAssertionRow = typeof locationAssertions.$inferSelect;
export type HotspotTransferRow = typeof hotspotTransfers.$inferSelect;

type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'execute'>;

export async function findHotspot(db: Tx, address: string): Promise<HotspotRow | undefined> {
  const [row] = await db.select().from(hotspots).where(eq(hotspots.address, address)).limit(1);
  return row;
}

/**
 * Whether a hotspot of this address is onboarded: what most routes of one hotspot check first. A
 * statement kept per database handle, so a request binds a value instead of building SQL (drizzle's
 * builder cost about 0.3 ms for the whole-row read this replaces).
 */
const existsStatements = new WeakMap<Db, { execute(values: { address: string }): Promise<unknown[]> }>();
export async function hotspotExists(db: Db, address: string): Promise<boolean> {
  let statement = existsStatements.get(db);
  if (!statement) {
    statement = db.select({ one: sql`1` }).from(hotspots).where(eq(hotspots.address, sql.placeholder('address'))).limit(1).prepare('hotspot_exists');
    existsStatements.set(db, statement);
  }
  return (await statement.execute({ address })).length > 0;
}

/** The hotspot whose packet forwarder reports this gateway EUI (16 hex, any case), for the router. */
export async function findHotspotByGatewayEui(db: Tx, gatewayEui: string): Promise<HotspotRow | undefined> {
  const [row] = await db.select().from(hotspots).where(eq(hotspots.gatewayEui, gatewayEui.toUpperCase())).limit(1);
  return row;
}

/** Locks the hotspot row for the rest of the transaction (serialises assertions of one hotspot). */
export async function findHotspotForUpdate(db: Tx, address: string): Promise<HotspotRow | undefined> {
  const [row] = await db.select().from(hotspots).where(eq(hotspots.address, address)).for('update').limit(1);
  return row;
}

/** Inserts a hotspot, named after its address; returns false when its address, key or gateway EUI is already taken. */
export async function insertHotspot(db: Tx, hotspot: NewHotspot): Promise<boolean> {
  const inserted = await db
    .insert(hotspots)
    .values({ ...hotspot, name: hotspotName(hotspot.address) })
    .onConflictDoNothing()
    .returning({ address: hotspots.address });
  return inserted.length === 1;
}

/**
 * Names hotspots that have no name yet (onboarded before names were kept, or written by a path
 * other than insertHotspot), `batchSize` rows per statement, until none is left or `shouldStop`
 * says so between statements; returns how many it named. A name follows from the address alone,
 * so running it twice, or on two processes at once, writes the same values.
 */
export async function nameUnnamedHotspots(db: Tx, options: { batchSize?: number; shouldStop?: () => boolean } = {}): Promise<number> {
  const { batchSize = 1000, shouldStop = () => false } = options;
  let named = 0;
  while (!shouldStop()) {
    const rows = await db.select({ address: hotspots.address }).from(hotspots).where(isNull(hotspots.name)).orderBy(asc(hotspots.address)).limit(batchSize);
    if (rows.length === 0) return named;
    const addresses = rows.map((r) => r.address);
    const names = addresses.map(hotspotName);
    await db.execute(sql`
      update hotspots set name = n.name
      from unnest(${sql.param(addresses)}::text[], ${sql.param(names)}::text[]) as n(address, name)
      where hotspots.address = n.address and hotspots.name is null`);
    named += rows.length;
  }
  return named;
}

/**
 * Fills in the country of located hotspots that have none (located before countries were kept),
 * from their asserted res-12 cell, `batchSize` rows per statement, until none is left or
 * `shouldStop` says so between statements; returns how many it filled in. A country follows from
 * the cell alone, so running it twice, or on two processes at once, writes the same values; an
 * assertion landing in between wins (the update skips rows that have a country by then).
 */
export async function fillMissingCountries(db: Tx, countryOfCell: (cell: string) => string, options: { batchSize?: number; shouldStop?: () => boolean } = {}): Promise<number> {
  const { batchSize = 1000, shouldStop = () => false } = options;
  let filled = 0;
  while (!shouldStop()) {
    const rows = await db
      .select({ address: hotspots.address, cell: hotspots.locationCell })
      .from(hotspots)
      .where(and(isNull(hotspots.countryCode), sql`${hotspots.locationCell} is not null`))
      .orderBy(asc(hotspots.address))
      .limit(batchSize);
    if (rows.length === 0) return filled;
    const addresses = rows.map((r) => r.address);
    const cells = rows.map((r) => r.cell!);
    const codes = cells.map(countryOfCell);
    await db.execute(sql`
      update hotspots set country_code = n.code
      from unnest(${sql.param(addresses)}::text[], ${sql.param(cells)}::text[], ${sql.param(codes)}::text[]) as n(address, cell, code)
      where hotspots.address = n.address and hotspots.location_cell = n.cell and hotspots.country_code is null`);
    filled += rows.length;
  }
  return filled;
}

/** Hotspots of one (canonical) name, by address: names are not unique. */
export async function findHotspotsByName(db: Tx, name: string, limit: number): Promise<HotspotRow[]> {
  return db.select().from(hotspots).where(eq(hotspots.name, name)).orderBy(asc(hotspots.address)).limit(limit);
}

/**
 * Hotspots whose name starts with `prefix` (canonical: letters and dashes only, so it holds no
 * LIKE wildcard), by name then address; pass the last (name, address) seen to page on.
 */
export async function searchHotspotsByNamePrefix(db: Tx, prefix: string, after: { name: string; address: string } | undefined, limit: number): Promise<HotspotRow[]> {
  return db
    .select()
    .from(hotspots)
    .where(and(sql`${hotspots.name} like ${`${prefix}%`}`, after === undefined ? undefined : sql`(${hotspots.name}, ${hotspots.address}) > (${after.name}, ${after.address})`))
    .orderBy(asc(hotspots.name), asc(hotspots.address))
    .limit(limit);
}

export interface CurrentLocation {
  locationCell: string;
  locationCellRes8: string;
  gainDbiX10: number;
  elevationM: number;
  region: string;
  countryCode: string;
  assertNonce: bigint;
  locationAssertedAt: Date;
}

export async function recordLocationAssertion(db: Tx, address: string, current: CurrentLocation, assertion: Omit<LocationAssertionRow, 'hotspotAddress'>): Promise<void> {
  await db.insert(locationAssertions).values({ ...assertion, hotspotAddress: address });
  await db.update(hotspots).set(current).where(eq(hotspots.address, address));
}

export async function listLocationAssertions(db: Tx, address: string, limit: number): Promise<LocationAssertionRow[]> {
  return db
    .select()
    .from(locationAssertions)
    .where(eq(locationAssertions.hotspotAddress, address))
    .orderBy(sql`${locationAssertions.nonce} desc`)
    .limit(limit);
}

/**
 * Hands the hotspot to `transfer.toOwner`: the row keeps its history and rewards (they belong to the
 * hotspot), the owner and transfer nonce change, and the transfer is kept. The previous owner's
 * alert statuses for it are dropped: its alerts no longer cover the hotspot, and the new owner's
 * first check records it as first seen.
 */
export async function recordHotspotTransfer(db: Tx, transfer: HotspotTransferRow): Promise<void> {
  await db.insert(hotspotTransfers).values(transfer);
  await db.update(hotspots).set({ ownerAddress: transfer.toOwner, transferNonce: transfer.nonce }).where(eq(hotspots.address, transfer.hotspotAddress));
  await db.execute(sql`delete from owner_alert_hotspots where owner_address = ${transfer.fromOwner} and hotspot_address = ${transfer.hotspotAddress}`);
}

/** A hotspot's transfers, newest first. */
export async function listHotspotTransfers(db: Tx, address: string, limit: number): Promise<HotspotTransferRow[]> {
  return db
    .select()
    .from(hotspotTransfers)
    .where(eq(hotspotTransfers.hotspotAddress, address))
    .orderBy(desc(hotspotTransfers.nonce))
    .limit(limit);
}

/** One page of an owner's hotspots in address order (keyset pagination: pass the last address seen). */
export async function listHotspotsByOwner(db: Tx, owner: string, afterAddress: string | undefined, limit: number): Promise<HotspotRow[]> {
  return db
    .select()
    .from(hotspots)
    .where(afterAddress ? and(eq(hotspots.ownerAddress, owner), gt(hotspots.address, afterAddress)) : eq(hotspots.ownerAddress, owner))
    .orderBy(asc(hotspots.address))
    .limit(limit);
}

/** The whole registry in address order (the primary key), optionally of one capability; pass the last address seen to page on. */
export async function listHotspots(
  db: Tx,
  afterAddress: string | undefined,
  limit: number,
  filter: { capability?: HotspotRow['capability'] | undefined; makerId?: string | undefined; countryCode?: string | undefined } = {},
): Promise<HotspotRow[]> {
  return db
    .select()
    .from(hotspots)
    .where(
      and(
        afterAddress === undefined ? undefined : gt(hotspots.address, afterAddress),
        filter.capability === undefined ? undefined : eq(hotspots.capability, filter.capability),
        filter.makerId === undefined ? undefined : eq(hotspots.makerId, filter.makerId),
        filter.countryCode === undefined ? undefined : eq(hotspots.countryCode, filter.countryCode),
      ),
    )
    .orderBy(asc(hotspots.address))
    .limit(limit);
}

/** Hotspots by Helium binary key, for report intake (one query for a batch of keys). */
export async function findHotspotsByPublicKeys(db: Tx, keys: Uint8Array[]): Promise<HotspotRow[]> {
  if (keys.length === 0) return [];
  return db.select().from(hotspots).where(inArray(hotspots.publicKey, keys));
}
