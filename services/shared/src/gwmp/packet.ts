/**
 * GWMP v2 datagram codec (Semtech UDP packet forwarder). Header: version(1) = 2 | token(2) |
 * identifier(1); PUSH_DATA, PULL_DATA and TX_ACK then carry the 8-byte gateway EUI, and PUSH_DATA,
 * PULL_RESP and TX_ACK end in a JSON object. Parsing never throws: every failure is a
 * `gwmp.malformed` error with a reason.
 */
import { ok, type Result } from '../errors';
import {
  isPlainObject,
  readRxpk,
  readStat,
  readTxpk,
  readTxpkAck,
  rxpkToJson,
  statToJson,
  txpkAckToJson,
  txpkToJson,
} from './json-bodies';
import { gwmpMalformed } from './malformed';
import type { GatewayStat, GwmpPacket, GwmpPacketType, Rxpk } from './types';

/** Only v2 is accepted: helium gateway-rs also drops v1 forwarders, and the sim must send v2. */
export const GWMP_VERSION = 2;

export const GWMP_IDENTIFIERS: Record<GwmpPacketType, number> = {
  PUSH_DATA: 0x00,
  PUSH_ACK: 0x01,
  PULL_DATA: 0x02,
  PULL_RESP: 0x03,
  PULL_ACK: 0x04,
  TX_ACK: 0x05,
};

const TYPE_BY_ID = new Map<number, GwmpPacketType>(
  Object.entries(GWMP_IDENTIFIERS).map(([type, id]) => [id, type as GwmpPacketType]),
);

const HEADER_BYTES = 4;
const HEADER_WITH_EUI_BYTES = 12;
const EUI_RE = /^[0-9a-f]{16}$/;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** One decoder for every datagram (creating one per call showed up in the router's profile). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Some sx1302 forwarders terminate the JSON (or an empty TX_ACK body) with NUL bytes. */
function stripTrailingNuls(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return bytes.subarray(0, end);
}

function readJsonObject(body: Uint8Array, type: GwmpPacketType): Result<Record<string, unknown>> {
  let text: string;
  let value: unknown;
  try {
    text = UTF8.decode(body);
    value = JSON.parse(text);
  } catch (e) {
    return gwmpMalformed('bad_json', `${type} body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { type });
  }
  if (!isPlainObject(value)) return gwmpMalformed('bad_json', `${type} body must be a JSON object`, { type });
  return ok(value);
}

function truncated(type: GwmpPacketType, needBytes: number, gotBytes: number): Result<never> {
  return gwmpMalformed('truncated', `${type} needs at least ${needBytes} bytes, got ${gotBytes}`, { type, lengthBytes: gotBytes });
}

function parsePushData(token: number, gatewayEui: string, body: Record<string, unknown>): Result<GwmpPacket> {
  const rxpk: Rxpk[] = [];
  if (body.rxpk !== undefined && body.rxpk !== null) {
    if (!Array.isArray(body.rxpk)) return gwmpMalformed('bad_field', 'rxpk must be an array', { field: 'rxpk' });
    for (const [i, item] of body.rxpk.entries()) {
      const one = readRxpk(item, `rxpk[${i}]`);
      if (!one.ok) return one;
      rxpk.push(one.value);
    }
  }
  let stat: GatewayStat | null = null;
  if (body.stat !== undefined && body.stat !== null) {
    const s = readStat(body.stat);
    if (!s.ok) return s;
    stat = s.value;
  }
  return ok({ type: 'PUSH_DATA', token, gatewayEui, rxpk, stat });
}

/** Decodes one UDP datagram. */
export function parseGwmpPacket(datagram: Uint8Array): Result<GwmpPacket> {
  if (datagram.length < HEADER_BYTES) {
    return gwmpMalformed('truncated', `datagram of ${datagram.length} bytes is shorter than the 4-byte header`, {
      lengthBytes: datagram.length,
    });
  }
  const version = datagram[0] ?? 0;
  if (version !== GWMP_VERSION) return gwmpMalformed('bad_version', `protocol version ${version} is not 2`, { version });
  const token = ((datagram[1] ?? 0) << 8) | (datagram[2] ?? 0);
  const identifier = datagram[3] ?? 0;
  const type = TYPE_BY_ID.get(identifier);
  if (!type) return gwmpMalformed('unknown_type', `unknown identifier 0x${identifier.toString(16)}`, { identifier });

  switch (type) {
    case 'PUSH_ACK':
    case 'PULL_ACK':
      return ok({ type, token });
    case 'PULL_RESP': {
      const body = stripTrailingNuls(datagram.subarray(HEADER_BYTES));
      const json = readJsonObject(body, type);
      if (!json.ok) return json;
      if (json.value.txpk === undefined || json.value.txpk === null) return ok({ type, token, txpk: null });
      const txpk = readTxpk(json.value.txpk);
      return txpk.ok ? ok({ type, token, txpk: txpk.value }) : txpk;
    }
    default:
      break;
  }

  if (datagram.length < HEADER_WITH_EUI_BYTES) return truncated(type, HEADER_WITH_EUI_BYTES, datagram.length);
  const gatewayEui = hex(datagram.subarray(HEADER_BYTES, HEADER_WITH_EUI_BYTES));
  const body = stripTrailingNuls(datagram.subarray(HEADER_WITH_EUI_BYTES));
  switch (type) {
    case 'PULL_DATA':
      return ok({ type, token, gatewayEui });
    case 'PUSH_DATA': {
      const json = readJsonObject(body, type);
      return json.ok ? parsePushData(token, gatewayEui, json.value) : json;
    }
    case 'TX_ACK': {
      // An empty body (or a lone NUL) is the v2 way of saying "sent, no error".
      if (body.length === 0) return ok({ type, token, gatewayEui, txpkAck: null });
      const json = readJsonObject(body, type);
      if (!json.ok) return json;
      if (json.value.txpk_ack === undefined || json.value.txpk_ack === null) return ok({ type, token, gatewayEui, txpkAck: null });
      const ack = readTxpkAck(json.value.txpk_ack);
      return ack.ok ? ok({ type, token, gatewayEui, txpkAck: ack.value }) : ack;
    }
  }
}

function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** Encodes a datagram. Fails (never throws) on a token or gateway EUI that cannot go on the wire. */
export function encodeGwmpPacket(packet: GwmpPacket): Result<Uint8Array> {
  if (!Number.isInteger(packet.token) || packet.token < 0 || packet.token > 0xffff) {
    return gwmpMalformed('bad_field', `token must be 0..65535, got ${packet.token}`, { field: 'token' });
  }
  const header = Uint8Array.of(GWMP_VERSION, packet.token >> 8, packet.token & 0xff, GWMP_IDENTIFIERS[packet.type]);
  let eui: Uint8Array | null = null;
  if ('gatewayEui' in packet) {
    const normalized = packet.gatewayEui.toLowerCase();
    if (!EUI_RE.test(normalized)) {
      return gwmpMalformed('bad_field', `gateway EUI must be 16 hex characters, got "${packet.gatewayEui}"`, { field: 'gatewayEui' });
    }
    eui = Uint8Array.from(Buffer.from(normalized, 'hex'));
  }
  let body: Uint8Array | null = null;
  switch (packet.type) {
    case 'PUSH_DATA':
      body = jsonBytes({
        rxpk: packet.rxpk.length > 0 ? packet.rxpk.map(rxpkToJson) : undefined,
        stat: packet.stat ? statToJson(packet.stat) : undefined,
      });
      break;
    case 'PULL_RESP':
      body = jsonBytes({ txpk: packet.txpk ? txpkToJson(packet.txpk) : undefined });
      break;
    case 'TX_ACK':
      body = packet.txpkAck ? jsonBytes({ txpk_ack: txpkAckToJson(packet.txpkAck) }) : null;
      break;
    default:
      break;
  }
  const parts = [header, ...(eui ? [eui] : []), ...(body ? [body] : [])];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return ok(out);
}

/** The ACK a server sends for a gateway datagram (PUSH_ACK / PULL_ACK), echoing its token. */
export function ackFor(packet: GwmpPacket): GwmpPacket | null {
  if (packet.type === 'PUSH_DATA') return { type: 'PUSH_ACK', token: packet.token };
  if (packet.type === 'PULL_DATA') return { type: 'PULL_ACK', token: packet.token };
  return null;
}
