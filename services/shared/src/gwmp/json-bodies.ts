/**
 * Validation of the JSON bodies of GWMP datagrams into typed objects, and their serialisation.
 * Readers are lenient about fields they do not use (forwarders add many) and strict about the
 * type of the ones they keep; `null` counts as absent, because real forwarders send e.g.
 * `"ackr":null`.
 */
import { ok, type Result } from '../errors';
import { parseLoraDatr } from './datr';
import { gwmpMalformed } from './malformed';
import type { GatewayStat, Modulation, Rsig, Rxpk, Txpk, TxpkAck } from './types';

type Obj = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Padded or unpadded standard base64 (TTN test data is unpadded). */
export function isBase64(text: string): boolean {
  return BASE64_RE.test(text);
}

/** Collects the first type problem of an object's fields instead of throwing. */
class FieldReader {
  problem: string | null = null;
  constructor(
    private readonly obj: Obj,
    private readonly where: string,
  ) {}

  private fail(key: string, expected: string): undefined {
    this.problem ??= `${this.where}.${key} must be ${expected}`;
    return undefined;
  }

  private present(key: string, required: boolean, expected: string): boolean {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      if (required) this.fail(key, expected);
      return false;
    }
    return true;
  }

  num(key: string, required = false): number | undefined {
    if (!this.present(key, required, 'a number')) return undefined;
    const v = this.obj[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(key, 'a number');
  }

  int(key: string, required = false): number | undefined {
    if (!this.present(key, required, 'an integer')) return undefined;
    const v = this.obj[key];
    return typeof v === 'number' && Number.isInteger(v) ? v : this.fail(key, 'an integer');
  }

  /**
   * A field the protocol defines as an integer (RSSI in dBm) that some forwarders send with a
   * fraction: rounded, so what the router relays to a network server is what the protocol says
   * (ChirpStack's bridge refuses the whole datagram otherwise).
   */
  roundedInt(key: string): number | undefined {
    const v = this.num(key);
    return v === undefined ? undefined : Math.round(v);
  }

  /** Unsigned 32-bit counter such as `tmst`. */
  u32(key: string, required = false): number | undefined {
    const v = this.int(key, required);
    return v === undefined || (v >= 0 && v <= 0xffffffff) ? v : this.fail(key, 'a u32');
  }

  str(key: string, required = false, maxLength = Infinity): string | undefined {
    if (!this.present(key, required, 'a string')) return undefined;
    const v = this.obj[key];
    if (typeof v !== 'string') return this.fail(key, 'a string');
    return v.length <= maxLength ? v : this.fail(key, `a string of at most ${maxLength} characters`);
  }

  bool(key: string, required = false): boolean | undefined {
    if (!this.present(key, required, 'a boolean')) return undefined;
    const v = this.obj[key];
    return typeof v === 'boolean' ? v : this.fail(key, 'a boolean');
  }

  modu(): Modulation | undefined {
    const v = this.str('modu', true);
    return v === 'LORA' || v === 'FSK' ? v : v === undefined ? undefined : this.fail('modu', '"LORA" or "FSK"');
  }

  /** LoRa rates are `"SFxBWy"` strings, FSK rates are numbers. */
  datr(modu: Modulation | undefined): string | number | undefined {
    const v = this.obj.datr;
    if (modu === 'FSK') return typeof v === 'number' && v > 0 ? v : this.fail('datr', 'an FSK bit rate');
    return typeof v === 'string' && isLoraDatr(v) ? v : this.fail('datr', 'a LoRa "SFxBWy" identifier');
  }

  base64(key: string, required = false): string | undefined {
    const v = this.str(key, required);
    return v === undefined || isBase64(v) ? v : this.fail(key, 'base64');
  }

  stringMap(key: string): Record<string, string> | undefined {
    if (!this.present(key, false, 'an object of strings')) return undefined;
    const v = this.obj[key];
    if (!isPlainObject(v) || !Object.values(v).every((x) => typeof x === 'string')) return this.fail(key, 'an object of strings');
    return v as Record<string, string>;
  }
}

/**
 * The last LoRa data rate found valid. A network's rxpks carry a handful of rates, mostly the
 * same one in a row, so this skips the regular expression (and its match array and result
 * object) for nearly every rxpk the router reads; one entry, so a forwarder sending many
 * spellings costs no memory.
 */
let lastLoraDatr = '';

function isLoraDatr(datr: string): boolean {
  if (datr === lastLoraDatr) return true;
  if (parseLoraDatr(datr) === null) return false;
  lastLoraDatr = datr;
  return true;
}

function badField(problem: string): Result<never> {
  return gwmpMalformed('bad_field', problem, { field: problem.split(' ')[0] });
}

/** Drops undefined members so optional fields are absent, not `undefined`, in typed objects. */
function compact<T extends object>(obj: T): T {
  // A plain loop: this runs for every rxpk the router reads, and entries/filter/fromEntries allocate three times over.
  const out: Record<string, unknown> = {};
  for (const key in obj) {
    const v = obj[key];
    if (v !== undefined) out[key] = v;
  }
  return out as T;
}

/** Sets a member only when it has a value, as compact() leaves it out. */
function put<K extends string>(obj: Record<K, unknown>, key: K, value: unknown): void {
  if (value !== undefined) obj[key] = value;
}

function readRsig(value: unknown, where: string): Result<Rsig> {
  if (!isPlainObject(value)) return badField(`${where} must be an object`);
  const r = new FieldReader(value, where);
  const rsig = compact<Rsig>({
    ant: r.int('ant'),
    chan: r.int('chan'),
    rssic: r.roundedInt('rssic'),
    rssis: r.roundedInt('rssis'),
    lsnr: r.num('lsnr'),
    etime: r.str('etime'),
    foff: r.num('foff'),
    ftime: r.num('ftime'),
  });
  return r.problem ? badField(r.problem) : ok(rsig);
}

/**
 * Bounds on what a forwarder may put in the rxpk fields the router passes on (to an LNS over GWMP,
 * or in webhook messages): a time string is under 40 characters, a coding rate a few, and a
 * concentrator has a few antennas.
 */
const MAX_TIME_CHARS = 64;
/** `"4/5"`, `"4/8LI"`, `"OFF"`. */
const MAX_CODR_CHARS = 16;
const MAX_ANTENNAS = 16;

export function readRxpk(value: unknown, where = 'rxpk'): Result<Rxpk> {
  if (!isPlainObject(value)) return badField(`${where} must be an object`);
  const r = new FieldReader(value, where);
  const modu = r.modu();
  let rsig: Rsig[] | undefined;
  if (value.rsig !== undefined && value.rsig !== null) {
    if (!Array.isArray(value.rsig)) return badField(`${where}.rsig must be an array`);
    if (value.rsig.length > MAX_ANTENNAS) return badField(`${where}.rsig must have at most ${MAX_ANTENNAS} antennas`);
    rsig = [];
    for (const [i, item] of value.rsig.entries()) {
      const one = readRsig(item, `${where}.rsig[${i}]`);
      if (!one.ok) return one;
      rsig.push(one.value);
    }
  }
  // Built field by field, an absent one left out, rather than through compact(), which builds
  // the object twice: the router reads every rxpk. Same key order as before, since a GWMP LNS
  // receives this object serialised.
  const rxpk = {} as Record<keyof Rxpk, unknown>;
  put(rxpk, 'time', r.str('time', false, MAX_TIME_CHARS));
  put(rxpk, 'tmms', r.num('tmms'));
  rxpk.tmst = r.u32('tmst', true) ?? 0;
  rxpk.freq = r.num('freq', true) ?? 0;
  put(rxpk, 'chan', r.int('chan'));
  put(rxpk, 'rfch', r.int('rfch'));
  put(rxpk, 'brd', r.int('brd'));
  put(rxpk, 'stat', r.int('stat'));
  rxpk.modu = modu ?? 'LORA';
  rxpk.datr = r.datr(modu) ?? '';
  put(rxpk, 'codr', r.str('codr', false, MAX_CODR_CHARS));
  put(rxpk, 'rssi', r.roundedInt('rssi'));
  put(rxpk, 'rssis', r.roundedInt('rssis'));
  put(rxpk, 'lsnr', r.num('lsnr'));
  put(rxpk, 'foff', r.num('foff'));
  put(rxpk, 'size', r.int('size'));
  rxpk.data = r.base64('data', true) ?? '';
  put(rxpk, 'jver', r.int('jver'));
  put(rxpk, 'aesk', r.int('aesk'));
  put(rxpk, 'rsig', rsig);
  put(rxpk, 'meta', r.stringMap('meta'));
  return r.problem ? badField(r.problem) : ok(rxpk as Rxpk);
}

export function readStat(value: unknown): Result<GatewayStat> {
  if (!isPlainObject(value)) return badField('stat must be an object');
  const r = new FieldReader(value, 'stat');
  const stat = compact<GatewayStat>({
    time: r.str('time'),
    lati: r.num('lati'),
    long: r.num('long'),
    alti: r.num('alti'),
    rxnb: r.int('rxnb'),
    rxok: r.int('rxok'),
    rxfw: r.int('rxfw'),
    ackr: r.num('ackr'),
    dwnb: r.int('dwnb'),
    txnb: r.int('txnb'),
  });
  return r.problem ? badField(r.problem) : ok(stat);
}

export function readTxpk(value: unknown): Result<Txpk> {
  if (!isPlainObject(value)) return badField('txpk must be an object');
  const r = new FieldReader(value, 'txpk');
  // Some servers (helium/semtech-udp tests) write `"tmst":"immediate"` instead of `imme`.
  const tmstImmediate = value.tmst === 'immediate';
  const modu = r.modu();
  const txpk = compact<Txpk>({
    imme: (r.bool('imme') ?? false) || tmstImmediate,
    tmst: tmstImmediate ? undefined : r.u32('tmst'),
    tmms: r.num('tmms'),
    time: r.str('time'),
    freq: r.num('freq', true) ?? 0,
    rfch: r.int('rfch'),
    powe: r.num('powe'),
    ant: r.int('ant'),
    brd: r.int('brd'),
    modu: modu ?? 'LORA',
    datr: r.datr(modu) ?? '',
    codr: r.str('codr'),
    fdev: r.num('fdev'),
    ipol: r.bool('ipol'),
    prea: r.int('prea'),
    size: r.int('size'),
    data: r.base64('data', true) ?? '',
    ncrc: r.bool('ncrc'),
  });
  return r.problem ? badField(r.problem) : ok(txpk);
}

export function readTxpkAck(value: unknown): Result<TxpkAck> {
  if (!isPlainObject(value)) return badField('txpk_ack must be an object');
  const r = new FieldReader(value, 'txpk_ack');
  const ack = compact<TxpkAck>({ error: r.str('error'), warn: r.str('warn'), value: r.num('value'), tmst: r.u32('tmst') });
  return r.problem ? badField(r.problem) : ok(ack);
}

// Writers put keys in a fixed order; JSON.stringify leaves out undefined members.

export function rxpkToJson(p: Rxpk): Obj {
  return {
    time: p.time, tmms: p.tmms, tmst: p.tmst, chan: p.chan, rfch: p.rfch, brd: p.brd, freq: p.freq,
    stat: p.stat, modu: p.modu, datr: p.datr, codr: p.codr, rssi: p.rssi, rssis: p.rssis, lsnr: p.lsnr,
    foff: p.foff, size: p.size, data: p.data, jver: p.jver, aesk: p.aesk,
    rsig: p.rsig?.map((s) => ({ ant: s.ant, chan: s.chan, rssic: s.rssic, rssis: s.rssis, lsnr: s.lsnr, etime: s.etime, foff: s.foff, ftime: s.ftime })),
    meta: p.meta,
  };
}

export function statToJson(s: GatewayStat): Obj {
  return {
    time: s.time, lati: s.lati, long: s.long, alti: s.alti, rxnb: s.rxnb, rxok: s.rxok, rxfw: s.rxfw,
    ackr: s.ackr, dwnb: s.dwnb, txnb: s.txnb,
  };
}

export function txpkToJson(t: Txpk): Obj {
  return {
    imme: t.imme ? true : undefined, tmst: t.imme ? undefined : t.tmst, tmms: t.tmms, time: t.time,
    freq: t.freq, rfch: t.rfch, powe: t.powe, ant: t.ant, brd: t.brd, modu: t.modu, datr: t.datr,
    codr: t.codr, fdev: t.fdev, ipol: t.ipol, prea: t.prea, size: t.size, data: t.data, ncrc: t.ncrc,
  };
}

export function txpkAckToJson(a: TxpkAck): Obj {
  return { error: a.error, warn: a.warn, value: a.value, tmst: a.tmst };
}

/** PHYPayload bytes of an rxpk/txpk `data` field (validated base64 at parse time). */
export function payloadBytes(packet: { data: string }): Uint8Array {
  return Uint8Array.from(Buffer.from(packet.data, 'base64'));
}

/** Base64 for the `data` field of an rxpk/txpk. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/**
 * SNR of a received packet: top-level `lsnr` (v1 JSON) or, for `jver` 2 forwarders that only
 * report per antenna, the best antenna's.
 */
export function rxpkSnrDb(rxpk: Rxpk): number | undefined {
  return rxpk.lsnr ?? (rxpk.rsig ? bestAntenna(rxpk.rsig, 'lsnr') : undefined);
}

/**
 * RSSI of a received packet: signal RSSI (`rssis`) over channel RSSI (`rssi`), as gateway-rs
 * reads them; for `jver` 2 forwarders that only report per antenna, the best antenna's, again
 * signal RSSI first.
 */
export function rxpkRssiDbm(rxpk: Rxpk): number | undefined {
  return rxpk.rssis ?? rxpk.rssi ?? (rxpk.rsig ? (bestAntenna(rxpk.rsig, 'rssis') ?? bestAntenna(rxpk.rsig, 'rssic')) : undefined);
}

/** The largest value of one field over the antennas that report it. */
function bestAntenna(rsig: readonly Rsig[], key: 'rssis' | 'rssic' | 'lsnr'): number | undefined {
  let best: number | undefined;
  for (const antenna of rsig) {
    const v = antenna[key];
    if (v !== undefined && (best === undefined || v > best)) best = v;
  }
  return best;
}

export type TxAckOutcome =
  | { kind: 'ok' }
  | { kind: 'error'; error: string }
  | { kind: 'warning'; warning: string; value?: number };

/** What a TX_ACK says about the downlink: no body or `NONE`/empty error means sent. */
export function txAckOutcome(ack: TxpkAck | null): TxAckOutcome {
  if (ack?.error && ack.error !== 'NONE') return { kind: 'error', error: ack.error };
  if (ack?.warn) return { kind: 'warning', warning: ack.warn, ...(ack.value !== undefined ? { value: ack.value } : {}) };
  return { kind: 'ok' };
}
