/**
 * The frames a simulated device sends must be real LoRaWAN 1.0.x: checked here with the
 * independent `lora-packet` decoder (join-request MIC under AppKey, session keys, uplink MIC and
 * decryption, FCnt), and the device must accept what a network server sends back.
 */
import loraPacket from 'lora-packet';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@cov/shared/lorawan/bytes';
import { MiniNetworkServer } from '../lns/network-server';
import { SeededRandom } from '../random/seeded-random';
import { EndDevice } from './end-device';

const identity = { devEui: '0004a30b001c0530', joinEui: '70b3d57ed0000001', appKey: Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 3) };

function server(appDownlinkShare = 0): MiniNetworkServer {
  return new MiniNetworkServer([identity], { netId: 'c00053', devAddrStart: 0xfc014c00, devAddrEnd: 0xfc014c07, rx1DelayS: 1, rx2DataRate: 8, appDownlinkShare }, new SeededRandom('lns-test'));
}

function joined(ns = server()): { device: EndDevice; ns: MiniNetworkServer } {
  const device = new EndDevice(identity, 4242);
  const req = device.joinRequest();
  if (!req.ok) throw req.error;
  const answer = ns.handle(req.value.phyPayload);
  if (answer.kind !== 'join_accept') throw new Error(`no join-accept: ${JSON.stringify(answer)}`);
  const outcome = device.receive(answer.phyPayload);
  if (outcome.kind !== 'join_accepted') throw new Error(`join not accepted: ${JSON.stringify(outcome)}`);
  return { device, ns };
}

describe('join', () => {
  it('sends a join-request lora-packet accepts, with its AES-CMAC MIC under AppKey', () => {
    const device = new EndDevice(identity, 771);
    const req = device.joinRequest();
    if (!req.ok) throw req.error;
    const packet = loraPacket.fromWire(Buffer.from(req.value.phyPayload));
    expect(packet.getMType()).toBe('Join Request');
    expect(packet.DevEUI?.toString('hex')).toBe(identity.devEui);
    expect(packet.AppEUI?.toString('hex')).toBe(identity.joinEui);
    expect(packet.DevNonce?.readUInt16LE(0)).toBe(771);
    expect(loraPacket.verifyMIC(packet, undefined, Buffer.from(identity.appKey))).toBe(true);
    expect(loraPacket.verifyMIC(packet, undefined, Buffer.alloc(16))).toBe(false);
  });

  it('never reuses a DevNonce across attempts', () => {
    const device = new EndDevice(identity, 0xfffe);
    const nonces = [0, 1, 2].map(() => {
      const r = device.joinRequest();
      if (!r.ok) throw r.error;
      return r.value.devNonce;
    });
    expect(nonces).toEqual([0xfffe, 0xffff, 0]);
  });

  it('decrypts the join-accept and derives the same session keys lora-packet derives', () => {
    const { device } = joined();
    const session = device.session!;
    expect(session.devAddr).toBe('fc014c00');
    const theirs = loraPacket.generateSessionKeys10(
      Buffer.from(identity.appKey),
      Buffer.from('c00053', 'hex'),
      Buffer.from('000001', 'hex'), // first JoinNonce the server hands out, as its 3 bytes in display order
      Buffer.from((4242).toString(16).padStart(4, '0'), 'hex'),
    );
    expect(bytesToHex(session.nwkSKey)).toBe(theirs.NwkSKey.toString('hex'));
    expect(bytesToHex(session.appSKey)).toBe(theirs.AppSKey.toString('hex'));
  });

  it('ignores a join-accept under another AppKey and a join-accept nobody asked for', () => {
    const other = new EndDevice({ ...identity, appKey: new Uint8Array(16) }, 1);
    const ns = server();
    const req = new EndDevice(identity, 9).joinRequest();
    if (!req.ok) throw req.error;
    const answer = ns.handle(req.value.phyPayload);
    if (answer.kind !== 'join_accept') throw new Error('expected join-accept');
    expect(other.receive(answer.phyPayload).kind).toBe('ignored'); // no join pending
    other.joinRequest();
    expect(other.receive(answer.phyPayload)).toMatchObject({ kind: 'ignored', reason: 'join-accept MIC' });
  });

  it('the network server refuses a replayed DevNonce', () => {
    const ns = server();
    const device = new EndDevice(identity, 5);
    const req = device.joinRequest();
    if (!req.ok) throw req.error;
    expect(ns.handle(req.value.phyPayload).kind).toBe('join_accept');
    expect(ns.handle(req.value.phyPayload)).toEqual({ kind: 'rejected', reason: 'DevNonce replayed' });
  });
});

describe('uplinks', () => {
  it.each([
    [false, 'Unconfirmed Data Up'],
    [true, 'Confirmed Data Up'],
  ])('confirmed=%s frames verify and decrypt with lora-packet, FCnt increasing', (confirmed, mtype) => {
    const { device } = joined();
    const session = device.session!;
    for (let i = 0; i < 3; i++) {
      const payload = Uint8Array.of(0x10, i, 0xaa, 0x55);
      const up = device.uplink({ payload, fPort: 7, confirmed });
      if (!up.ok) throw up.error;
      const packet = loraPacket.fromWire(Buffer.from(up.value.phyPayload));
      expect(packet.getMType()).toBe(mtype);
      expect(packet.getFCnt()).toBe(i);
      expect(packet.getFPort()).toBe(7);
      expect(packet.DevAddr?.toString('hex')).toBe(session.devAddr);
      expect(loraPacket.verifyMIC(packet, Buffer.from(session.nwkSKey))).toBe(true);
      expect(loraPacket.decrypt(packet, Buffer.from(session.appSKey), Buffer.from(session.nwkSKey)).toString('hex')).toBe(bytesToHex(payload));
    }
  });

  it('counters beyond 16 bits still verify (lora-packet given the high half)', () => {
    const { device } = joined();
    device.fCntUp = 0x1_0005;
    const up = device.uplink({ payload: Uint8Array.of(1), fPort: 1, confirmed: false });
    if (!up.ok) throw up.error;
    const packet = loraPacket.fromWire(Buffer.from(up.value.phyPayload));
    expect(packet.getFCnt()).toBe(5);
    expect(loraPacket.verifyMIC(packet, Buffer.from(device.session!.nwkSKey), undefined, Buffer.from([1, 0]))).toBe(true);
  });

  it('refuses to send data before joining', () => {
    const r = new EndDevice(identity, 1).uplink({ payload: Uint8Array.of(1), fPort: 1, confirmed: false });
    expect(r.ok).toBe(false);
  });
});

describe('downlinks', () => {
  it('a confirmed uplink is acknowledged; the device accepts the ACK and drops a replay', () => {
    const { device, ns } = joined();
    const up = device.uplink({ payload: Uint8Array.of(1, 2), fPort: 3, confirmed: true });
    if (!up.ok) throw up.error;
    expect(device.awaitingAck).toBe(true);
    const answer = ns.handle(up.value.phyPayload);
    if (answer.kind !== 'uplink') throw new Error(`expected uplink, got ${answer.kind}`);
    expect(bytesToHex(answer.payload)).toBe('0102');
    expect(answer.downlink).not.toBeNull();
    const packet = loraPacket.fromWire(Buffer.from(answer.downlink!));
    expect(packet.getDir()).toBe('down');
    expect(packet.getFCtrlACK()).toBe(true);
    expect(device.receive(answer.downlink!)).toMatchObject({ kind: 'data', ack: true });
    expect(device.awaitingAck).toBe(false);
    expect(device.receive(answer.downlink!)).toMatchObject({ kind: 'ignored', reason: 'replayed FCnt' });
  });

  it('an unconfirmed uplink gets no downlink unless the server has application data', () => {
    const quiet = joined(server(0));
    const up = quiet.device.uplink({ payload: Uint8Array.of(1), fPort: 3, confirmed: false });
    if (!up.ok) throw up.error;
    expect(quiet.ns.handle(up.value.phyPayload)).toMatchObject({ kind: 'uplink', downlink: null });

    const chatty = joined(server(1));
    const up2 = chatty.device.uplink({ payload: Uint8Array.of(1), fPort: 3, confirmed: false });
    if (!up2.ok) throw up2.error;
    const answer = chatty.ns.handle(up2.value.phyPayload);
    if (answer.kind !== 'uplink' || !answer.downlink) throw new Error('expected a downlink');
    const outcome = chatty.device.receive(answer.downlink);
    expect(outcome).toMatchObject({ kind: 'data', fPort: 10, ack: false });
  });

  it('a tampered downlink fails its MIC', () => {
    const { device, ns } = joined(server(1));
    const up = device.uplink({ payload: Uint8Array.of(1), fPort: 3, confirmed: false });
    if (!up.ok) throw up.error;
    const answer = ns.handle(up.value.phyPayload);
    if (answer.kind !== 'uplink' || !answer.downlink) throw new Error('expected a downlink');
    const tampered = Uint8Array.from(answer.downlink);
    tampered[tampered.length - 6] = (tampered[tampered.length - 6] ?? 0) ^ 0xff;
    expect(device.receive(tampered)).toMatchObject({ kind: 'ignored', reason: 'bad MIC' });
  });

  it('the network server rejects a replayed uplink', () => {
    const { device, ns } = joined();
    const up = device.uplink({ payload: Uint8Array.of(1), fPort: 3, confirmed: false });
    if (!up.ok) throw up.error;
    expect(ns.handle(up.value.phyPayload).kind).toBe('uplink');
    expect(ns.handle(up.value.phyPayload)).toEqual({ kind: 'rejected', reason: 'FCnt replayed' });
  });
});
