/**
 * A packet forwarder for tests and benchmarks: a real UDP socket speaking GWMP v2 to the router.
 * It pulls (so downlinks can reach it), pushes rxpk, records what the router sends back and
 * answers each PULL_RESP with a TX_ACK chosen by the test (success by default).
 */
import dgram from 'node:dgram';
import { encodeGwmpPacket, parseGwmpPacket } from '@cov/shared/gwmp/packet';
import type { GwmpPacket, Rxpk, Txpk, TxpkAck } from '@cov/shared/gwmp/types';

export interface ReceivedDownlink {
  token: number;
  txpk: Txpk;
}

export class TestGateway {
  readonly received: GwmpPacket[] = [];
  readonly downlinks: ReceivedDownlink[] = [];
  /** Decides the TX_ACK body for each PULL_RESP (null = success, empty body). */
  txAck: (txpk: Txpk, n: number) => TxpkAck | null = () => null;
  private socket: dgram.Socket | undefined;
  private token = 1;

  constructor(
    readonly eui: string,
    private readonly routerHost: string,
    private readonly routerPort: number,
  ) {}

  async start(): Promise<this> {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg) => {
      const parsed = parseGwmpPacket(msg);
      if (!parsed.ok) return;
      this.received.push(parsed.value);
      if (parsed.value.type === 'PULL_RESP' && parsed.value.txpk) {
        const n = this.downlinks.length;
        this.downlinks.push({ token: parsed.value.token, txpk: parsed.value.txpk });
        const ack = encodeGwmpPacket({ type: 'TX_ACK', token: parsed.value.token, gatewayEui: this.eui, txpkAck: this.txAck(parsed.value.txpk, n) });
        if (ack.ok) socket.send(ack.value, this.routerPort, this.routerHost);
      }
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    this.socket = socket;
    return this;
  }

  acks(type: 'PUSH_ACK' | 'PULL_ACK'): number {
    return this.received.filter((p) => p.type === type).length;
  }

  sendRaw(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket!.send(bytes, this.routerPort, this.routerHost, (e) => (e ? reject(e) : resolve())));
  }

  pull(): Promise<void> {
    const bytes = encodeGwmpPacket({ type: 'PULL_DATA', token: this.nextToken(), gatewayEui: this.eui });
    if (!bytes.ok) throw bytes.error;
    return this.sendRaw(bytes.value);
  }

  push(rxpk: Rxpk[]): Promise<void> {
    const bytes = encodeGwmpPacket({ type: 'PUSH_DATA', token: this.nextToken(), gatewayEui: this.eui, rxpk, stat: null });
    if (!bytes.ok) throw bytes.error;
    return this.sendRaw(bytes.value);
  }

  close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    return s ? new Promise((resolve) => s.close(() => resolve())) : Promise.resolve();
  }

  private nextToken(): number {
    this.token = (this.token + 1) & 0xffff;
    return this.token;
  }
}

/** An rxpk as a LoRa concentrator reports a received PHYPayload. */
export function rxpkOf(phyPayload: Uint8Array, radio: { tmst: number; rssiDbm: number; snrDb: number; freqMhz?: number; datr?: string }): Rxpk {
  return {
    time: new Date().toISOString(),
    tmst: radio.tmst >>> 0,
    freq: radio.freqMhz ?? 868.1,
    chan: 0,
    rfch: 0,
    stat: 1,
    modu: 'LORA',
    datr: radio.datr ?? 'SF7BW125',
    codr: '4/5',
    rssi: radio.rssiDbm,
    lsnr: radio.snrDb,
    size: phyPayload.length,
    data: Buffer.from(phyPayload).toString('base64'),
  };
}

/** Resolves once `check` returns a value other than undefined/false (polls; no timing assertion). */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
