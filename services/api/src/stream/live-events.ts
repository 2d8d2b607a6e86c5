/**
 * The live feed's source: polls the verdict, reward and routing tables for what happened since the
 * last look and hands each event to the subscribers: the public feed's (PoC, epochs, router totals)
 * and, separately, each organisation's own packets (never on the public feed). Polling (once a
 * second) rather than an in-process channel means the API sees events from verifier, rewarder and router processes the
 * same way in embedded and server mode, and a restarted API simply starts from "now".
 */
import { cellToParent, getResolution } from 'h3-js';
import type { Database } from '@cov/shared/db/client';
import type { Logger } from '@cov/shared/logger';
import { periodicTask, type Task } from '@cov/shared/runtime/task-runner';
import { and, asc, gt, inArray, lte } from 'drizzle-orm';
import { routedPackets } from '@cov/shared/db/schema/routing';
import type { RoutedPacketRow } from '../orgs/routes-repository';

export type LiveEvent =
  | {
      type: 'poc';
      beacon: { beaconId: string; hotspot: string; valid: boolean; reason: string | null; receivedAt: string; locationCell: string | null };
      witnesses: { hotspot: string; valid: boolean; reason: string | null; selected: boolean; rssiDbm: number; locationCell: string | null }[];
      /** Owners of the hotspots involved, for owner filters. */
      owners: string[];
    }
  /** A paid epoch, with its bounds (a client cannot know EPOCH_LENGTH_MS to work them out). */
  | { type: 'epoch'; epoch: number; start: string; end: string; emission: string; hotspotsRewarded: number; manifestHash: string; merkleRoot: string }
  /**
   * Packets the router recorded since the previous router event (its packet log follows the burns
   * by about 0.2 s, so these are by recording, not by the time a packet was heard).
   */
  | { type: 'router'; fromMs: number; toMs: number; forwarded: number; dropped: Record<string, number>; dcBurned: number };

/** One packet on one of an organisation's routes, as the router first recorded it (the packet log's row). */
export interface OrgPacketEvent {
  type: 'packet';
  routeId: string;
  packet: RoutedPacketRow;
}
type OrgListener = { orgId: string; routeId: string | undefined; listener: (e: OrgPacketEvent) => void };

export interface EventFilter {
  types?: Set<LiveEvent['type']>;
  hotspots?: Set<string>;
  owners?: Set<string>;
  hexes?: string[];
}

/**
 * Does an event concern what the subscriber asked for? A paid epoch concerns every hotspot (each
 * one's rewards and lifetime total move), so hotspot, owner and hex filters let it through: an owner
 * watching `?owner=o&types=poc,epoch` hears when to look at the new rewards. Router totals have no
 * place or owner, so those filters leave them out.
 */
export function matches(event: LiveEvent, filter: EventFilter): boolean {
  if (filter.types && !filter.types.has(event.type)) return false;
  if (event.type === 'epoch') return true;
  if (event.type !== 'poc') return !filter.hotspots && !filter.owners && !filter.hexes;
  const addresses = [event.beacon.hotspot, ...event.witnesses.map((w) => w.hotspot)];
  if (filter.hotspots && !addresses.some((a) => filter.hotspots!.has(a))) return false;
  if (filter.owners && !event.owners.some((o) => filter.owners!.has(o))) return false;
  if (filter.hexes) {
    const cells = [event.beacon.locationCell, ...event.witnesses.map((w) => w.locationCell)].filter((c): c is string => !!c);
    const inHex = filter.hexes.some((hex) => {
      const res = getResolution(hex);
      return cells.some((c) => getResolution(c) >= res && cellToParent(c, res) === hex);
    });
    if (!inHex) return false;
  }
  return true;
}

const POLL_MS = 1000;
const MAX_EVENTS_PER_POLL = 2000;

export class LiveEvents {
  private readonly listeners = new Set<(e: LiveEvent) => void>();
  private beaconMark: { verifiedAtMs: number; beaconId: string } | undefined;
  private epochMark: number | undefined;
  private routerMarkMs: number | undefined;
  /** Last packet log row (routed_packets.id) counted in a router event / handed to an org. */
  private routerMarkId = 0;
  private packetMarkId = 0;
  private readonly orgListeners = new Set<OrgListener>();
  readonly task: Task;

  constructor(
    private readonly database: Database,
    private readonly nowMs: () => number,
    logger: Logger,
  ) {
    this.task = periodicTask('api-live-events', POLL_MS, () => this.poll(), logger);
  }

  subscribe(listener: (e: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** An organisation's packets (on one of its routes, or all of them) as the router records them. */
  subscribePackets(orgId: string, routeId: string | undefined, listener: (e: OrgPacketEvent) => void): () => void {
    const entry: OrgListener = { orgId, routeId, listener };
    this.orgListeners.add(entry);
    return () => this.orgListeners.delete(entry);
  }

  async poll(): Promise<void> {
    const { sql } = this.database;
    const now = this.nowMs();
    if (!this.beaconMark) {
      // Start from now: the feed is live, history is what the REST API is for.
      const [last] = await sql<{ v: string | null }[]>`select max(verified_at_ms)::text as v from beacon_verdicts`;
      this.beaconMark = { verifiedAtMs: Number(last?.v ?? 0), beaconId: '\uffff' };
      const [epoch] = await sql<{ e: number | null }[]>`select max(epoch) as e from reward_epochs`;
      this.epochMark = epoch?.e ?? -1;
      this.routerMarkMs = now;
      this.routerMarkId = this.packetMarkId = await this.lastPacketId();
      return;
    }
    // The packet log's newest id bounds this poll's router totals and organisations' packets.
    const lastPacketId = await this.lastPacketId();
    if (this.listeners.size === 0) {
      // Nobody listening: keep the marks moving without building events.
      await this.skipAhead(now);
      this.routerMarkId = lastPacketId;
    } else {
      await this.pollPocs();
      await this.pollEpochs();
      await this.pollRouter(now, lastPacketId);
    }
    if (this.orgListeners.size === 0) this.packetMarkId = lastPacketId;
    else await this.pollPackets(lastPacketId);
  }

  /**
   * The packet log's newest id. Its rows are only written by the burn journal's settle, and settlers
   * take turns on a lock, so ids become visible in order: a mark on them misses nothing.
   */
  private async lastPacketId(): Promise<number> {
    const [row] = await this.database.sql<{ id: string | null }[]>`select max(id)::text as id from routed_packets`;
    return Number(row?.id ?? 0);
  }

  private emit(e: LiveEvent): void {
    for (const l of this.listeners) l(e);
  }

  private async skipAhead(now: number): Promise<void> {
    const { sql } = this.database;
    const [last] = await sql<{ v: string | null; id: string | null }[]>`
      select verified_at_ms::text as v, beacon_id as id from beacon_verdicts order by verified_at_ms desc, beacon_id desc limit 1`;
    if (last?.v) this.beaconMark = { verifiedAtMs: Number(last.v), beaconId: last.id! };
    const [epoch] = await sql<{ e: number | null }[]>`select max(epoch) as e from reward_epochs`;
    this.epochMark = epoch?.e ?? this.epochMark;
    this.routerMarkMs = now;
  }

  private async pollPocs(): Promise<void> {
    const { sql } = this.database;
    const mark = this.beaconMark!;
    const beacons = await sql<{ beacon_id: string; hotspot_address: string; valid: boolean; reason: string | null; received_at_ms: string; verified_at_ms: string; location_cell: string | null }[]>`
      select beacon_id, hotspot_address, valid, reason, received_at_ms::text, verified_at_ms::text, location_cell from beacon_verdicts
      where (verified_at_ms, beacon_id) > (${mark.verifiedAtMs}, ${mark.beaconId})
      order by verified_at_ms, beacon_id limit ${MAX_EVENTS_PER_POLL}`;
    if (beacons.length === 0) return;
    const last = beacons[beacons.length - 1]!;
    this.beaconMark = { verifiedAtMs: Number(last.verified_at_ms), beaconId: last.beacon_id };
    const ids = beacons.map((b) => b.beacon_id);
    const witnesses = await sql<{ beacon_id: string; hotspot_address: string; valid: boolean; reason: string | null; selected: boolean; signal_dbm_x10: number; location_cell: string | null }[]>`
      select beacon_id, hotspot_address, valid, reason, selected, signal_dbm_x10, location_cell from witness_verdicts where beacon_id = any(${ids})`;
    const addresses = [...new Set([...beacons.map((b) => b.hotspot_address), ...witnesses.map((w) => w.hotspot_address)])];
    const owners = new Map((await sql<{ address: string; owner_address: string }[]>`select address, owner_address from hotspots where address = any(${addresses})`).map((r) => [r.address, r.owner_address]));
    const byBeacon = new Map<string, (typeof witnesses)[number][]>();
    for (const w of witnesses) {
      const list = byBeacon.get(w.beacon_id);
      if (list) list.push(w);
      else byBeacon.set(w.beacon_id, [w]);
    }
    for (const b of beacons) {
      const ws = byBeacon.get(b.beacon_id) ?? [];
      const involved = [b.hotspot_address, ...ws.map((w) => w.hotspot_address)];
      this.emit({
        type: 'poc',
        beacon: { beaconId: b.beacon_id, hotspot: b.hotspot_address, valid: b.valid, reason: b.reason, receivedAt: new Date(Number(b.received_at_ms)).toISOString(), locationCell: b.location_cell },
        witnesses: ws.map((w) => ({ hotspot: w.hotspot_address, valid: w.valid, reason: w.reason, selected: w.selected, rssiDbm: w.signal_dbm_x10 / 10, locationCell: w.location_cell })),
        owners: [...new Set(involved.flatMap((a) => (owners.has(a) ? [owners.get(a)!] : [])))],
      });
    }
  }

  private async pollEpochs(): Promise<void> {
    const rows = await this.database.sql<{ epoch: number; start_ms: string; end_ms: string; emission: string; hotspots_rewarded: number; manifest_hash: string; merkle_root: string }[]>`
      select epoch, start_ms::text, end_ms::text, emission::text, hotspots_rewarded, manifest_hash, merkle_root from reward_epochs where epoch > ${this.epochMark ?? -1} order by epoch`;
    for (const r of rows) {
      this.epochMark = r.epoch;
      const [start, end] = [new Date(Number(r.start_ms)).toISOString(), new Date(Number(r.end_ms)).toISOString()];
      this.emit({ type: 'epoch', epoch: r.epoch, start, end, emission: r.emission, hotspotsRewarded: r.hotspots_rewarded, manifestHash: r.manifest_hash, merkleRoot: r.merkle_root });
    }
  }

  /**
   * Router totals of the packet log rows recorded since the last event. By row id, not by the
   * time a packet was heard: rows are written about 0.2 s after that, so a window on heard time
   * missed the packets heard just before each poll.
   */
  private async pollRouter(now: number, lastPacketId: number): Promise<void> {
    const from = this.routerMarkMs ?? now;
    const fromId = this.routerMarkId;
    this.routerMarkMs = now;
    this.routerMarkId = lastPacketId;
    if (lastPacketId <= fromId) return;
    const rows = await this.database.sql<{ status: string; n: number; dc: string }[]>`
      select status, count(*)::int as n, coalesce(sum(dc), 0)::text as dc from routed_packets
      where id > ${fromId} and id <= ${lastPacketId} group by status`;
    if (rows.length === 0) return;
    const dropped: Record<string, number> = {};
    let forwarded = 0;
    let dcBurned = 0;
    for (const r of rows) {
      dcBurned += Number(r.dc);
      if (r.status === 'forwarded') forwarded += r.n;
      else dropped[r.status] = r.n;
    }
    this.emit({ type: 'router', fromMs: from, toMs: now, forwarded, dropped, dcBurned });
  }

  /** The subscribed organisations' new packet log rows, oldest first, at most MAX_EVENTS_PER_POLL per poll. */
  private async pollPackets(lastPacketId: number): Promise<void> {
    if (lastPacketId <= this.packetMarkId) return;
    const orgs = [...new Set([...this.orgListeners].map((l) => l.orgId))];
    const rows = await this.database.db
      .select()
      .from(routedPackets)
      .where(and(gt(routedPackets.id, this.packetMarkId), lte(routedPackets.id, lastPacketId), inArray(routedPackets.orgId, orgs)))
      .orderBy(asc(routedPackets.id))
      .limit(MAX_EVENTS_PER_POLL);
    // A full page: the rest comes next poll; otherwise everything up to the newest id was seen.
    this.packetMarkId = rows.length === MAX_EVENTS_PER_POLL ? rows[rows.length - 1]!.id : lastPacketId;
    for (const packet of rows) {
      const event: OrgPacketEvent = { type: 'packet', routeId: packet.routeId, packet };
      for (const l of this.orgListeners) if (l.orgId === packet.orgId && (l.routeId === undefined || l.routeId === packet.routeId)) l.listener(event);
    }
  }
}
