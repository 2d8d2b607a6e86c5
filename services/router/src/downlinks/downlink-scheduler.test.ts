import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseGwmpPacket } from '@cov/shared/gwmp/packet';
import { DownlinkScheduler, txpkFor, type DownlinkEvent } from './downlink-scheduler';
import type { TxWindow } from './rx-windows';

const rx1: TxWindow = { name: 'rx1', tmst: 2_000_000, delayMs: 1000, frequencyHz: 868_100_000, dataRate: 'SF7BW125', powerDbm: 14 };
const rx2: TxWindow = { name: 'rx2', tmst: 3_000_000, delayMs: 2000, frequencyHz: 869_525_000, dataRate: 'SF12BW125', powerDbm: 14 };
const EUI = '0102030405060708';

function setup() {
  const sent: { token: number; txpk: unknown }[] = [];
  const events: DownlinkEvent[] = [];
  const s = new DownlinkScheduler({
    send: (bytes) => {
      const p = parseGwmpPacket(bytes);
      if (p.ok && p.value.type === 'PULL_RESP') sent.push({ token: p.value.token, txpk: p.value.txpk });
    },
    pullAddressOf: (eui) => (eui === EUI ? { address: '127.0.0.1', port: 1 } : undefined),
    onEvent: (e) => events.push(e),
    txAckTimeoutMs: 1000,
  });
  return { s, sent, events };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('downlink scheduler', () => {
  it('builds a LoRaWAN txpk: counter timing, MHz, inverted IQ, base64 data', () => {
    expect(txpkFor(rx1, Uint8Array.of(1, 2, 3))).toEqual({ imme: false, tmst: 2_000_000, freq: 868.1, rfch: 0, powe: 14, modu: 'LORA', datr: 'SF7BW125', codr: '4/5', ipol: true, size: 3, data: 'AQID' });
  });

  it('builds an FSK txpk for an FSK uplink (EU868 DR7): bit rate as a number, deviation, no IQ inversion, no coding rate', () => {
    const fsk: TxWindow = { ...rx1, dataRate: 'FSK50000', frequencyHz: 868_800_000 };
    expect(txpkFor(fsk, Uint8Array.of(1))).toEqual({ imme: false, tmst: 2_000_000, freq: 868.8, rfch: 0, powe: 14, modu: 'FSK', datr: 50000, fdev: 25000, ipol: false, size: 1, data: 'AQ==' });
  });

  it('sends in RX1 and stops on a clean TX_ACK', () => {
    const { s, sent, events } = setup();
    const done = vi.fn();
    expect(s.schedule(EUI.toUpperCase(), Uint8Array.of(9), [rx1, rx2], done)).toBe(true);
    expect(sent).toHaveLength(1);
    s.onTxAck(EUI, sent[0]!.token, null);
    expect(done).toHaveBeenCalledWith({ ok: true, window: 'rx1' });
    expect(events).toEqual(['sent_rx1', 'acked']);
    expect(s.pendingCount).toBe(0);
  });

  it('retries in RX2 on a TX_ACK error and reports the final failure', () => {
    const { s, sent, events } = setup();
    const done = vi.fn();
    s.schedule(EUI, Uint8Array.of(9), [rx1, rx2], done);
    s.onTxAck(EUI, sent[0]!.token, { error: 'TOO_LATE' });
    expect(sent).toHaveLength(2);
    expect(sent[1]!.txpk).toMatchObject({ tmst: 3_000_000, freq: 869.525, datr: 'SF12BW125' });
    expect(sent[1]!.token).not.toBe(sent[0]!.token);
    s.onTxAck(EUI, sent[1]!.token, { error: 'COLLISION_PACKET' });
    expect(done).toHaveBeenCalledWith({ ok: false, window: 'rx2', error: 'COLLISION_PACKET' });
    expect(events).toEqual(['sent_rx1', 'tx_error', 'sent_rx2', 'tx_error']);
  });

  it('ignores TX_ACKs with an unknown token or from another gateway, and treats NONE and warnings as success', () => {
    const { s, sent } = setup();
    const done = vi.fn();
    s.schedule(EUI, Uint8Array.of(9), [rx1, rx2], done);
    s.onTxAck(EUI, (sent[0]!.token + 1) & 0xffff, { error: 'TOO_LATE' });
    s.onTxAck('ffffffffffffffff', sent[0]!.token, { error: 'TOO_LATE' });
    expect(sent).toHaveLength(1);
    s.onTxAck(EUI, sent[0]!.token, { warn: 'TX_POWER', value: 14 });
    expect(done).toHaveBeenCalledWith({ ok: true, window: 'rx1' });
  });

  it('refuses gateways that never pulled and forgets downlinks whose TX_ACK never comes', () => {
    vi.useFakeTimers();
    const { s, events } = setup();
    expect(s.schedule('aaaaaaaaaaaaaaaa', Uint8Array.of(1), [rx1])).toBe(false);
    const done = vi.fn();
    s.schedule(EUI, Uint8Array.of(1), [rx1], done);
    vi.advanceTimersByTime(1000);
    expect(done).toHaveBeenCalledWith({ ok: false, window: 'rx1', error: 'no_tx_ack' });
    expect(events).toEqual(['sent_rx1', 'expired']);
  });

  it('relays an LNS txpk as is and hands back the TX_ACK', () => {
    const { s, sent } = setup();
    const onAck = vi.fn();
    const txpk = txpkFor(rx1, Uint8Array.of(5));
    expect(s.relay(EUI, txpk, onAck)).toBe(true);
    expect(sent[0]!.txpk).toEqual(txpk);
    s.onTxAck(EUI, sent[0]!.token, { error: 'TOO_EARLY' });
    expect(onAck).toHaveBeenCalledWith({ error: 'TOO_EARLY' });
    expect(sent).toHaveLength(1);
  });
});
