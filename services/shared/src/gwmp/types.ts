/**
 * Semtech UDP packet forwarder protocol (GWMP) v2 messages and their JSON bodies. Field names are
 * the protocol's own (PROTOCOL.TXT) because these objects are the wire format; units: `freq` MHz,
 * `tmst` concentrator µs (u32, wraps), `rssi` dBm, `lsnr` dB, `powe` dBm.
 */

export type Modulation = 'LORA' | 'FSK';

/** Per-antenna signal of newer (v2 JSON, `jver` 2) forwarders. */
export interface Rsig {
  ant?: number;
  chan?: number;
  rssic?: number;
  rssis?: number;
  lsnr?: number;
  etime?: string;
  foff?: number;
  ftime?: number;
}

/** One received RF packet (PUSH_DATA `rxpk[]`). */
export interface Rxpk {
  time?: string;
  /** GPS time, ms since 1980-01-06. */
  tmms?: number;
  tmst: number;
  freq: number;
  chan?: number;
  rfch?: number;
  brd?: number;
  /** CRC status: 1 OK, -1 failed, 0 no CRC. */
  stat?: number;
  modu: Modulation;
  /** LoRa: `"SF7BW125"`; FSK: bit rate in bit/s. */
  datr: string | number;
  codr?: string;
  rssi?: number;
  rssis?: number;
  lsnr?: number;
  foff?: number;
  size?: number;
  /** PHYPayload, base64. */
  data: string;
  jver?: number;
  aesk?: number;
  rsig?: Rsig[];
  /** String map some routers add (HPR: network, gateway_id, regi, ...). */
  meta?: Record<string, string>;
}

/** Gateway status (PUSH_DATA `stat`). Every field is optional: forwarders send subsets. */
export interface GatewayStat {
  time?: string;
  lati?: number;
  long?: number;
  alti?: number;
  rxnb?: number;
  rxok?: number;
  rxfw?: number;
  /** % of upstream datagrams acknowledged; forwarders send null before the first ACK. */
  ackr?: number;
  dwnb?: number;
  txnb?: number;
}

/** Downlink order (PULL_RESP `txpk`). */
export interface Txpk {
  /** Send immediately (also set when a forwarder-style `"tmst":"immediate"` is received). */
  imme: boolean;
  tmst?: number;
  tmms?: number;
  time?: string;
  freq: number;
  rfch?: number;
  powe?: number;
  ant?: number;
  brd?: number;
  modu: Modulation;
  datr: string | number;
  codr?: string;
  fdev?: number;
  /** IQ inversion; true for LoRaWAN downlinks. */
  ipol?: boolean;
  prea?: number;
  size?: number;
  data: string;
  ncrc?: boolean;
}

/** TX_ACK body. `error` NONE / empty / absent means the downlink was accepted. */
export interface TxpkAck {
  error?: string;
  /** sx1302 forwarders report adjustments as a warning, e.g. `TX_POWER` with the dBm used. */
  warn?: string;
  value?: number;
  tmst?: number;
}

/** Known `txpk_ack.error` values (forwarders may add others; they are kept as strings). */
export const TX_ACK_ERRORS = [
  'NONE',
  'TOO_LATE',
  'TOO_EARLY',
  'COLLISION_PACKET',
  'COLLISION_BEACON',
  'TX_FREQ',
  'TX_POWER',
  'GPS_UNLOCKED',
] as const;

/**
 * The 2-byte token is opaque and only ever echoed; it is held as the big-endian u16 of bytes 1-2
 * and written back the same way, so an echo reproduces the original bytes.
 */
export type GwmpPacket =
  | { type: 'PUSH_DATA'; token: number; gatewayEui: string; rxpk: Rxpk[]; stat: GatewayStat | null }
  | { type: 'PUSH_ACK'; token: number }
  | { type: 'PULL_DATA'; token: number; gatewayEui: string }
  | { type: 'PULL_ACK'; token: number }
  | { type: 'PULL_RESP'; token: number; txpk: Txpk | null }
  | { type: 'TX_ACK'; token: number; gatewayEui: string; txpkAck: TxpkAck | null };

export type GwmpPacketType = GwmpPacket['type'];
