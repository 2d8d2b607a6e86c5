/**
 * What the simulator talks to. A target bundles the backend's entry points as the hotspots and the
 * device maker see them: the registry REST API, an ingest connection per hotspot (WebSocket session
 * or HTTP batches), the entropy feed, a GWMP socket per packet forwarder, and the device-maker
 * setup. `live-target.ts` speaks the real protocols to a running backend; `dry-target.ts` answers
 * in-process so a world can be generated and recorded without one.
 */
import type { EntropyReport } from '@cov/shared/helium/reports';
import type { RegionId } from '@cov/shared/regions/region-plan';
import type { InitBuilder } from '../hotspot/ingest-clients';
import type { LnsHandler } from '../lns/device-maker-lns';
import type { SimDevice } from '../world/devices';
import type { SimHotspot, SimWorld } from '../world/world';

export interface CallResult {
  ok: boolean;
  status: number;
  /** Stable error code when the backend refused (e.g. hotspots.already_onboarded). */
  code?: string;
  message?: string;
  body?: unknown;
}

/** What the backend already holds for a hotspot (its asserted location: res-12 cell, gain, elevation). */
export interface RegisteredHotspot {
  location: { cell: string; gainDbiX10: number; elevationM: number } | null;
}

export interface RegistryPort {
  /** The hotspot as the backend has it, or null when it is not onboarded (or the lookup failed). */
  registeredHotspot(address: string): Promise<RegisteredHotspot | null>;
  createMaker(name: string): Promise<CallResult & { apiKey?: string }>;
  onboardHotspot(makerApiKey: string, body: { address: string; ownerAddress: string; capability: 'full' | 'data_only'; gatewayEui: string }): Promise<CallResult>;
  assertLocation(
    address: string,
    body: { owner: string; lat: number; lng: number; gainDbiX10: number; elevationM: number; nonce: number; timestampMs: number; signature: string },
  ): Promise<CallResult>;
}

export type ReportAck = { accepted: true; id: string } | { accepted: false; code: string; message: string; retryable: boolean };

export interface IngestConnection {
  readonly transport: 'ws' | 'http';
  /** WebSocket: challenge, signed init, ready. HTTP: nothing to open. */
  open(): Promise<CallResult>;
  send(kind: 'beacon' | 'witness', encoded: Uint8Array): Promise<ReportAck>;
  /** The freshest entropy this hotspot knows (pushed on a session; fetched over HTTP otherwise). */
  latestEntropy(): Promise<EntropyReport | null>;
  close(): Promise<void>;
  readonly isOpen: boolean;
}

export interface DatagramSocket {
  send(datagram: Uint8Array): void;
  onMessage(handler: (datagram: Uint8Array) => void): void;
  close(): Promise<void>;
}

/** Where the device maker's network server lives and how the router reaches it. */
export interface OrgSetup {
  ok: boolean;
  /** Why device traffic cannot be routed (no device-maker API, no DC, ...); shown in the summary. */
  unavailableReason?: string;
  netId: string;
  /** DevAddr block per organisation index, inclusive. */
  devAddrBlocks: { start: number; end: number }[];
  orgIds: string[];
  /** Routes the router tested and found their network server took the test (none when the backend serves no route tests at its address). */
  routesTested?: number;
  /** Organisations whose messages are signed, their network server checking each signature. */
  webhooksSigned?: number;
}

export interface DeviceMakerPort {
  /**
   * Creates the organisations, their routes (DevAddr block, JoinEUI/DevEUI pairs, the LNS endpoint)
   * and data credits, through the device-maker API.
   */
  provision(world: SimWorld, devicesByOrg: SimDevice[][], lnsEndpoint: LnsEndpoint | null, record: (kind: string, body: unknown) => void): Promise<OrgSetup>;
}

/** The device maker's network server as the router reaches it. */
export type LnsEndpoint = { protocol: 'http'; url: string } | { protocol: 'gwmp'; host: string; port: number };

export interface SimTarget {
  readonly name: string;
  readonly registry: RegistryPort;
  readonly deviceMaker: DeviceMakerPort;
  /** `buildInit` signs a session init for an offered nonce (WebSocket transports use it). */
  ingest(hotspot: SimHotspot, buildInit: InitBuilder): IngestConnection;
  /** One UDP socket per packet forwarder, connected to the router. */
  gwmpSocket(hotspot: SimHotspot): Promise<DatagramSocket>;
  /** Starts (if needed) the device makers' network server endpoint the routes will point at. */
  lnsEndpoint(): Promise<LnsEndpoint | null>;
  /** What answers the device makers' traffic once the organisations exist. */
  setLnsHandler(handler: LnsHandler): void;
  /** Gives an in-process target simulated time (the dry target's router needs a dedup window). */
  attach?(context: { nowMs(): number; schedule(atMs: number, label: string, run: () => void): void; region: RegionId }): void;
  /** Base URL shown in the summary. */
  readonly description: string;
  close(): Promise<void>;
}
