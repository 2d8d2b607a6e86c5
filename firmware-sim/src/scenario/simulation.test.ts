/**
 * A whole simulated network against the dry target: the run is reproducible from its seed, honest
 * reports pass the backend's own single-link RF checks (services/shared/src/poc), and every kind of
 * cheater leaves the trace it is supposed to leave in what was actually sent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { parseGwmpPacket } from '@cov/shared/gwmp/packet';
import { decodeBeaconReport, decodeWitnessReport, timestampMsFromNs, type BeaconReport, type WitnessReport } from '@cov/shared/helium/reports';
import { addressFromBinaryKey } from '@cov/shared/helium/keys';
import { verifyWitnessLink } from '@cov/shared/poc/witness-link-checks';
import { maxEirpDbm } from '@cov/shared/regions/region-plan';
import { gainDbiFromX10Truncated } from '@cov/shared/rf/link-budget';
import { buildLabels, type HotspotLabel } from '../cheaters/labels';
import { CHEATER_KINDS, type CheaterKind } from '../cheaters/cheater-kinds';
import { AREA_PRESETS } from '../world/area';
import { buildWorld, type SimWorld } from '../world/world';
import { DryTarget } from './dry-target';
import { MemoryRecorder } from './recorder';
import { isSameLocation, Simulation } from './simulation';
import { VirtualClock } from './sim-clock';
import { silentProgress } from '../cli/progress';
import { runSimulation } from './run-simulation';

const START_MS = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
const shares = Object.fromEntries(CHEATER_KINDS.map((k) => [k, k === 'gaming_ring' ? 0.06 : 0.025])) as Record<CheaterKind, number>;

function world(seed = 'sim-test'): SimWorld {
  return buildWorld({
    seed,
    area: AREA_PRESETS.denver!,
    hotspotCount: 120,
    deviceCount: 25,
    dataOnlyShare: 0.1,
    httpShare: 0.3,
    cheaterShares: shares,
    orgCount: 2,
    uplinkIntervalMs: 10 * 60_000,
    confirmedShare: 0.3,
  });
}

async function run(seed = 'sim-test'): Promise<{ w: SimWorld; lines: string[]; sim: Simulation }> {
  const w = world(seed);
  const recorder = new MemoryRecorder();
  const { simulation } = await runSimulation({
    scenario: 'test',
    world: w,
    target: new DryTarget(seed, 60_000),
    clock: new VirtualClock(START_MS),
    recorder,
    progress: silentProgress,
    options: {
      durationMs: 4 * HOUR,
      makerName: 'test maker',
      setupConcurrency: 8,
      beaconIntervalMs: HOUR,
      entropyValidityMs: 180_000,
      gwmpKeepaliveMs: 60_000,
      gwmpStatIntervalMs: 120_000,
      appDownlinkShare: 0.1,
    },
  });
  return { w, lines: recorder.lines, sim: simulation };
}

interface Sent<R> {
  simTimeMs: number;
  hex: string;
  report: R;
  from: HotspotLabel;
}

let result: Awaited<ReturnType<typeof run>>;
let labelByAddress: Map<string, HotspotLabel>;
let beacons: Sent<BeaconReport>[];
let witnesses: Sent<WitnessReport>[];

function decode<R>(kind: 'ingest.beacon' | 'ingest.witness', decoder: (b: Uint8Array) => { ok: true; value: R } | { ok: false }): Sent<R>[] {
  return result.lines
    .map((l) => JSON.parse(l) as { kind: string; simTimeMs: number; hotspot: string; hex: string })
    .filter((m) => m.kind === kind)
    .map((m) => {
      const r = decoder(new Uint8Array(Buffer.from(m.hex, 'hex')));
      if (!r.ok) throw new Error(`undecodable ${kind}`);
      return { simTimeMs: m.simTimeMs, hex: m.hex, report: r.value, from: labelByAddress.get(m.hotspot)! };
    });
}

const cell = (p: { lat: number; lng: number }) => latLngToCell(p.lat, p.lng, 12);

beforeAll(async () => {
  result = await run();
  labelByAddress = new Map(buildLabels(result.w, 'test').hotspots.map((h) => [h.address, h]));
  beacons = decode('ingest.beacon', decodeBeaconReport);
  witnesses = decode('ingest.witness', decodeWitnessReport);
}, 120_000);

const kindOf = (s: Sent<unknown>) => s.from.kind;
const payloadHex = (r: { data: Uint8Array }) => Buffer.from(r.data).toString('hex');

describe('a dry run', () => {
  it('plants every kind of cheater and sends plenty of traffic', () => {
    for (const kind of CHEATER_KINDS) expect(result.w.hotspots.some((h) => h.cheat?.kind === kind), kind).toBe(true);
    expect(beacons.length).toBeGreaterThan(200);
    expect(witnesses.length).toBeGreaterThan(beacons.length);
    expect(result.sim.stats.get('devices.joined')).toBeGreaterThan(10);
    expect(result.sim.stats.get('devices.downlinks.ack')).toBeGreaterThan(0);
  });

  it('is reproducible from its seed, message for message', { timeout: 120_000 }, async () => {
    const again = await run();
    expect(again.lines.length).toBe(result.lines.length);
    expect(again.lines).toEqual(result.lines);
    const other = await run('another-seed');
    expect(other.lines.slice(0, 50)).not.toEqual(result.lines.slice(0, 50));
  });

  it('signs every report with the key of the hotspot that sent it', { timeout: 30_000 }, () => {
    for (const s of [...beacons, ...witnesses]) {
      const address = addressFromBinaryKey(s.report.pubKeyBinary);
      expect(address.ok && address.value).toBe(s.from.address);
    }
  });

  it('sends only GWMP v2 datagrams the shared codec parses', { timeout: 30_000 }, () => {
    const datagrams = result.lines.map((l) => JSON.parse(l) as { kind: string; hex: string }).filter((m) => m.kind.startsWith('gwmp.'));
    expect(datagrams.length).toBeGreaterThan(100);
    let rxpks = 0;
    for (const d of datagrams) {
      const bytes = new Uint8Array(Buffer.from(d.hex, 'hex'));
      expect(bytes[0]).toBe(2);
      const parsed = parseGwmpPacket(bytes);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok || parsed.value.type !== 'PUSH_DATA') continue;
      // What the router insists on before it buys a copy: a good CRC and a size that is the data's length.
      for (const rx of parsed.value.rxpk) {
        rxpks++;
        expect([rx.stat, rx.size, rx.modu]).toEqual([1, Buffer.from(rx.data, 'base64').length, 'LORA']);
      }
    }
    expect(rxpks).toBeGreaterThan(10);
  });
});

describe('honest hotspots pass the single-link RF checks', () => {
  it('no honest witness of an honest beacon is over free space, under sensitivity or off frequency', () => {
    const beaconByPayload = new Map(beacons.map((b) => [payloadHex(b.report), b]));
    const reasons: Record<string, number> = {};
    let checked = 0;
    for (const w of witnesses) {
      const b = beaconByPayload.get(payloadHex(w.report));
      if (!b || kindOf(w) !== null || kindOf(b) !== null) continue;
      const verdict = verifyWitnessLink({
        beaconer: { location: cell(b.from.asserted), gainDbiX10: b.from.asserted.gainDbiX10, region: 'US915' },
        witnessHotspot: { location: cell(w.from.asserted), gainDbiX10: w.from.asserted.gainDbiX10, region: 'US915' },
        beacon: { frequencyHz: b.report.frequencyHz, dataRate: b.report.datarate, txPowerDbm: b.report.txPowerDbm },
        witness: { signalDbmX10: w.report.signalDbmX10, snrDbX10: w.report.snrDbX10, frequencyHz: w.report.frequencyHz, dataRate: w.report.datarate },
      });
      checked++;
      if (!verdict.valid) reasons[verdict.reason] = (reasons[verdict.reason] ?? 0) + 1;
    }
    expect(checked).toBeGreaterThan(500);
    // Neighbours closer than 400 m are a fact of dense deployments, not a fault of the radio model.
    const { below_min_distance: _close, ...others } = reasons;
    expect(others).toEqual({});
  });

  it('honest beacons report the conducted power they used: max EIRP minus gain, capped at 27 dBm', () => {
    for (const b of beacons.filter((x) => kindOf(x) === null)) {
      expect(b.report.txPowerDbm).toBe(Math.min(27, Math.trunc(maxEirpDbm('US915') - b.from.asserted.gainDbiX10 / 10)));
    }
  });
});

describe('every cheater leaves its trace', () => {
  const byKind = (kind: CheaterKind) => (s: Sent<unknown>) => kindOf(s) === kind;

  it('location spoofers assert 15-60 km from where they are', () => {
    const spoofers = [...labelByAddress.values()].filter((l) => l.kind === 'location_spoofer');
    for (const s of spoofers) expect(s.assertionErrorM).toBeGreaterThanOrEqual(14_900);
    for (const l of [...labelByAddress.values()].filter((x) => x.kind === null)) expect(l.assertionErrorM).toBe(0);
  });

  it('RSSI fabricators: too strong is over the free-space bound every time; on-model never varies for a link', () => {
    const beaconByPayload = new Map(beacons.map((b) => [payloadHex(b.report), b]));
    const strong = witnesses.filter(byKind('rssi_too_strong'));
    expect(strong.length).toBeGreaterThan(0);
    for (const w of strong) {
      const b = beaconByPayload.get(payloadHex(w.report))!;
      const verdict = verifyWitnessLink({
        beaconer: { location: cell(b.from.asserted), gainDbiX10: b.from.asserted.gainDbiX10, region: 'US915' },
        witnessHotspot: { location: cell(w.from.asserted), gainDbiX10: w.from.asserted.gainDbiX10, region: 'US915' },
        beacon: { frequencyHz: b.report.frequencyHz, dataRate: b.report.datarate, txPowerDbm: b.report.txPowerDbm },
        witness: { signalDbmX10: w.report.signalDbmX10, snrDbX10: w.report.snrDbX10, frequencyHz: w.report.frequencyHz, dataRate: w.report.datarate },
      });
      if (!verdict.valid && verdict.reason === 'below_min_distance') continue;
      expect(verdict.valid ? 'valid' : verdict.reason).toBe('bad_rssi');
    }
    const onModel = witnesses.filter(byKind('rssi_on_model'));
    expect(onModel.length).toBeGreaterThan(0);
    const perLink = new Map<string, Set<number>>();
    for (const w of onModel) {
      const b = beaconByPayload.get(payloadHex(w.report))!;
      const key = `${b.from.address}>${w.from.address}`;
      perLink.set(key, (perLink.get(key) ?? new Set()).add(w.report.signalDbmX10));
    }
    expect([...perLink.values()].every((values) => values.size === 1)).toBe(true);
  });

  it('gaming rings only witness their own members, none of whom heard it over the air', () => {
    const beaconByPayload = new Map(beacons.map((b) => [payloadHex(b.report), b]));
    const ringOf = new Map(buildLabels(result.w, 'test').rings.flatMap((r) => r.members.map((m) => [m, r.id] as const)));
    const ringWitnesses = witnesses.filter(byKind('gaming_ring'));
    expect(ringWitnesses.length).toBeGreaterThan(0);
    for (const w of ringWitnesses) {
      const b = beaconByPayload.get(payloadHex(w.report))!;
      expect(ringOf.get(b.from.address)).toBe(ringOf.get(w.from.address));
    }
    expect(result.sim.stats.get('witnesses.fabricated_by_ring')).toBe(ringWitnesses.length);
  });

  it('replayers send the very same bytes again later', () => {
    const seen = new Map<string, number>();
    let replays = 0;
    for (const s of [...beacons, ...witnesses].filter(byKind('replayer')).sort((a, b) => a.simTimeMs - b.simTimeMs)) {
      const first = seen.get(s.hex);
      if (first !== undefined) {
        replays++;
        expect(s.simTimeMs - first).toBeGreaterThanOrEqual(3 * 60_000);
      } else seen.set(s.hex, s.simTimeMs);
    }
    expect(replays).toBeGreaterThan(0);
    const honestHex = [...beacons, ...witnesses].filter((s) => kindOf(s) === null).map((s) => s.hex);
    expect(new Set(honestHex).size).toBe(honestHex.length);
  });

  it('late reporters deliver witnesses over 4 s after the beacon report; honest ones rarely do', () => {
    const beaconSent = new Map(beacons.map((b) => [payloadHex(b.report), b.simTimeMs]));
    const lag = (w: Sent<WitnessReport>) => w.simTimeMs - (beaconSent.get(payloadHex(w.report)) ?? Infinity);
    const late = witnesses.filter(byKind('late_reporter'));
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((w) => lag(w) > 4_000).length / late.length).toBeGreaterThan(0.9);
    const honest = witnesses.filter((w) => kindOf(w) === null);
    expect(honest.filter((w) => lag(w) > 4_000).length / honest.length).toBeLessThan(0.02);
  });

  it('clock-skewed hotspots stamp reports off by their skew; the others agree with simulated time (replays aside)', () => {
    for (const s of [...beacons, ...witnesses]) {
      const offsetMs = timestampMsFromNs(s.report.timestampNs) - s.simTimeMs;
      if (kindOf(s) === 'clock_skewed') expect(Math.abs(offsetMs)).toBeGreaterThan(60_000);
      else if (kindOf(s) !== 'replayer') expect(Math.abs(offsetMs)).toBeLessThan(60_000);
    }
  });

  it('self-witnesses report their own beacons', () => {
    const beaconer = new Map(beacons.map((b) => [payloadHex(b.report), b.from.address]));
    const ownBeacon = (w: Sent<WitnessReport>) => beaconer.get(payloadHex(w.report)) === w.from.address;
    expect(witnesses.filter(byKind('self_witness')).filter(ownBeacon).length).toBeGreaterThan(0);
    expect(witnesses.filter((w) => kindOf(w) !== 'self_witness').filter(ownBeacon)).toEqual([]);
  });

  it('tx-power over-reporters claim more than max EIRP minus their gain', () => {
    const over = beacons.filter(byKind('tx_power_over_reporter'));
    expect(over.length).toBeGreaterThan(0);
    for (const b of over) expect(b.report.txPowerDbm).toBeGreaterThan(maxEirpDbm('US915') - gainDbiFromX10Truncated(b.from.asserted.gainDbiX10));
  });

  it('beacon spammers beacon more than once per window; everyone else at most once', () => {
    const perWindow = new Map<string, number>();
    for (const b of beacons.filter((x) => kindOf(x) !== 'replayer')) {
      const key = `${b.from.address}|${Math.floor(b.simTimeMs / HOUR)}`;
      perWindow.set(key, (perWindow.get(key) ?? 0) + 1);
    }
    const spammers = new Set([...labelByAddress.values()].filter((l) => l.kind === 'beacon_spammer').map((l) => l.address));
    const spammerMax = Math.max(...[...perWindow].filter(([k]) => spammers.has(k.split('|')[0]!)).map(([, n]) => n));
    expect(spammerMax).toBeGreaterThan(1);
    // A beacon sent in the last seconds of a window can arrive in the next one, hence <= 2 for honest.
    for (const [key, n] of perWindow) if (!spammers.has(key.split('|')[0]!)) expect(n).toBeLessThanOrEqual(2);
  });
});

describe('isSameLocation (a restart does not assert an unchanged location again)', () => {
  const asserted = { lat: 52.52, lng: 13.405, gainDbiX10: 30, elevationM: 12 };
  const held = { cell: latLngToCell(52.52, 13.405, 12), gainDbiX10: 30, elevationM: 12 };
  it('is the same cell, gain and elevation', () => {
    expect(isSameLocation(held, asserted)).toBe(true);
    expect(isSameLocation({ ...held, cell: latLngToCell(52.53, 13.405, 12) }, asserted)).toBe(false);
    expect(isSameLocation({ ...held, gainDbiX10: 31 }, asserted)).toBe(false);
    expect(isSameLocation({ ...held, elevationM: 0 }, asserted)).toBe(false);
  });
});
