/**
 * Sends downlinks to hotspots as PULL_RESP and follows their TX_ACKs. A planned downlink is a list
 * of windows (RX1, then RX2): it goes out in the first, and if the gateway answers TX_ACK with an
 * error (TOO_LATE, TOO_EARLY, COLLISION_..., as gateway-rs retries on RX2 after TOO_EARLY/TOO_LATE)
 * it is sent again in the next. A relayed downlink (a GWMP LNS's PULL_RESP) goes out as given and
 * its TX_ACK goes back to the LNS, which makes its own retry decision. A TX_ACK that never comes
 * is forgotten after `txAckTimeoutMs` (gateway-rs waits 5 s).
 */
import { encodeGwmpPacket } from '@cov/shared/gwmp/packet';
import type { Txpk, TxpkAck } from '@cov/shared/gwmp/types';
import type { TxWindow } from './rx-windows';

export interface UdpAddress {
  address: string;
  port: number;
}

export type DownlinkEvent = 'sent_rx1' | 'sent_rx2' | 'relayed' | 'acked' | 'tx_error' | 'expired';

export interface DownlinkSchedulerOptions {
  send(bytes: Uint8Array, to: UdpAddress): void;
  /** Where the gateway last pulled from (lower-case EUI); undefined if it never did. */
  pullAddressOf(gatewayEui: string): UdpAddress | undefined;
  onEvent?(event: DownlinkEvent, detail: { gatewayEui: string; error?: string }): void;
  txAckTimeoutMs?: number;
}

type Pending =
  | { kind: 'planned'; gatewayEui: string; payload: Uint8Array; windows: TxWindow[]; index: number; timer: NodeJS.Timeout; onDone?: (r: DownlinkResult) => void }
  | { kind: 'relayed'; gatewayEui: string; timer: NodeJS.Timeout; onAck(ack: TxpkAck | null): void };

export interface DownlinkResult {
  ok: boolean;
  window: 'rx1' | 'rx2' | null;
  error?: string;
}

export function isTxAckError(ack: TxpkAck | null): string | null {
  const e = ack?.error;
  return e && e !== 'NONE' ? e : null;
}

export function txpkFor(window: TxWindow, payload: Uint8Array): Txpk {
  const fsk = /^FSK(\d+)$/.exec(window.dataRate);
  return {
    imme: false,
    tmst: window.tmst,
    freq: window.frequencyHz / 1_000_000,
    rfch: 0,
    powe: window.powerDbm,
    modu: fsk ? 'FSK' : 'LORA',
    datr: fsk ? Number(fsk[1]) : window.dataRate,
    ...(fsk ? { fdev: 25_000 } : { codr: '4/5' }),
    ipol: !fsk,
    size: payload.length,
    data: Buffer.from(payload).toString('base64'),
  };
}

export class DownlinkScheduler {
  private readonly pending = new Map<number, Pending>();
  private nextToken = Math.floor(Math.random() * 0x10000);

  constructor(private readonly options: DownlinkSchedulerOptions) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  canReach(gatewayEui: string): boolean {
    return this.options.pullAddressOf(gatewayEui.toLowerCase()) !== undefined;
  }

  /** Sends in windows[0], retrying in the next ones on a TX_ACK error. False if the gateway never pulled. */
  schedule(gatewayEui: string, payload: Uint8Array, windows: TxWindow[], onDone?: (r: DownlinkResult) => void): boolean {
    const eui = gatewayEui.toLowerCase();
    if (windows.length === 0 || !this.options.pullAddressOf(eui)) return false;
    const token = this.token();
    const entry: Pending = { kind: 'planned', gatewayEui: eui, payload, windows, index: 0, timer: this.expiry(token), onDone };
    this.pending.set(token, entry);
    return this.transmit(token, eui, txpkFor(windows[0]!, payload), windows[0]!.name === 'rx1' ? 'sent_rx1' : 'sent_rx2');
  }

  /** Sends an LNS's txpk unchanged; onAck gets the gateway's TX_ACK body (null on success without body). */
  relay(gatewayEui: string, txpk: Txpk, onAck: (ack: TxpkAck | null) => void): boolean {
    const eui = gatewayEui.toLowerCase();
    if (!this.options.pullAddressOf(eui)) return false;
    const token = this.token();
    this.pending.set(token, { kind: 'relayed', gatewayEui: eui, timer: this.expiry(token), onAck });
    return this.transmit(token, eui, txpk, 'relayed');
  }

  onTxAck(gatewayEui: string, token: number, ack: TxpkAck | null): void {
    const entry = this.pending.get(token);
    if (!entry || entry.gatewayEui !== gatewayEui.toLowerCase()) return;
    clearTimeout(entry.timer);
    this.pending.delete(token);
    const error = isTxAckError(ack);
    this.options.onEvent?.(error ? 'tx_error' : 'acked', { gatewayEui: entry.gatewayEui, ...(error ? { error } : {}) });
    if (entry.kind === 'relayed') {
      entry.onAck(ack);
      return;
    }
    const window = entry.windows[entry.index]!;
    if (!error) {
      entry.onDone?.({ ok: true, window: window.name });
      return;
    }
    const nextIndex = entry.index + 1;
    const next = entry.windows[nextIndex];
    if (!next) {
      entry.onDone?.({ ok: false, window: window.name, error });
      return;
    }
    const nextToken = this.token();
    this.pending.set(nextToken, { ...entry, index: nextIndex, timer: this.expiry(nextToken) });
    this.transmit(nextToken, entry.gatewayEui, txpkFor(next, entry.payload), next.name === 'rx1' ? 'sent_rx1' : 'sent_rx2');
  }

  stop(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  private transmit(token: number, eui: string, txpk: Txpk, event: DownlinkEvent): boolean {
    const to = this.options.pullAddressOf(eui);
    const datagram = encodeGwmpPacket({ type: 'PULL_RESP', token, txpk });
    if (!to || !datagram.ok) {
      const entry = this.pending.get(token);
      if (entry) clearTimeout(entry.timer);
      this.pending.delete(token);
      return false;
    }
    this.options.send(datagram.value, to);
    this.options.onEvent?.(event, { gatewayEui: eui });
    return true;
  }

  private expiry(token: number): NodeJS.Timeout {
    const t = setTimeout(() => {
      const entry = this.pending.get(token);
      if (!entry) return;
      this.pending.delete(token);
      this.options.onEvent?.('expired', { gatewayEui: entry.gatewayEui });
      if (entry.kind === 'planned') entry.onDone?.({ ok: false, window: entry.windows[entry.index]?.name ?? null, error: 'no_tx_ack' });
    }, this.options.txAckTimeoutMs ?? 5_000);
    t.unref();
    return t;
  }

  private token(): number {
    do this.nextToken = (this.nextToken + 1) & 0xffff;
    while (this.pending.has(this.nextToken) && this.pending.size < 0x10000);
    return this.nextToken;
  }
}
