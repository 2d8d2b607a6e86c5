/**
 * `npm run demo`: the whole system in one process on accelerated time. It starts the embedded
 * all-in-one backend (in-memory database, every service, a ScaledClock), runs the simulator's
 * city preset against it over the real protocols for a couple of reward epochs, waits for
 * verification and rewards to catch up, then prints what happened: reports sent and accepted, PoC
 * verdicts by reason, cheaters caught against the simulator's labels, top earners, data credits
 * spent per device maker, and where to look (API docs, map). Parts that produced nothing say so.
 *
 * Epochs and beacon windows are shortened (settings, as any deployment could set them) so a couple
 * of epochs fit in a few real minutes without speeding the clock so much that backhaul latency
 * (real milliseconds, multiplied by the speed) makes honest witnesses late.
 */
import { parseArgs } from 'node:util';
import { buildLabels } from '@cov/firmware-sim/cheaters/labels';
import { CHEATER_KINDS } from '@cov/firmware-sim/cheaters/cheater-kinds';
import { scoreDetection, type DetectionScore, type HotspotEvidence } from '@cov/firmware-sim/cheaters/detection-score';
import { progressBars, silentProgress } from '@cov/firmware-sim/cli/progress';
import { startEmbeddedBackend, type EmbeddedBackend } from '@cov/firmware-sim/scenario/embedded-backend';
import { runLiveSimulation } from '@cov/firmware-sim/scenario/run-live-simulation';
import type { RunSummary } from '@cov/firmware-sim/scenario/run-summary';
import { SCENARIOS } from '@cov/firmware-sim/scenario/scenarios';
import { buildScenarioWorld } from '@cov/firmware-sim/scenario/scenario-world';
import type { SimWorld } from '@cov/firmware-sim/world/world';
import type { Sql } from '@cov/shared/db/client';
import { hotspotName } from '@cov/shared/registry/hotspot-name';

const MINUTE = 60_000;

const HELP = `npm run demo -- [flags]
  --scenario NAME              city-us | city-eu | countryside | honest | fraud-heavy (city-us)
  --hotspots N                 hotspots (200)
  --devices M                  LoRaWAN devices (150)
  --seed S                     world seed (demo)
  --epochs E                   reward epochs to simulate (2)
  --epoch-minutes M            simulated length of a reward epoch (20)
  --beacon-interval-minutes M  simulated beacon window; must divide a day (5)
  --speed X                    simulated ms per real ms (8); higher overloads the single process and makes honest reports late
  --port N                     HTTP port of the backend (3000; 0 = any free port)
  --exit                       exit after printing the summary instead of serving until Ctrl-C
`;

interface DemoOptions {
  scenario: string;
  hotspots: number;
  devices: number;
  seed: string;
  epochs: number;
  epochMs: number;
  beaconIntervalMs: number;
  speed: number;
  port: number;
  exit: boolean;
}

function parseDemoArgs(argv: string[]): DemoOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', default: 'city-us' },
      hotspots: { type: 'string', default: '200' },
      devices: { type: 'string', default: '150' },
      seed: { type: 'string', default: 'demo' },
      epochs: { type: 'string', default: '2' },
      'epoch-minutes': { type: 'string', default: '20' },
      'beacon-interval-minutes': { type: 'string', default: '5' },
      speed: { type: 'string', default: '8' },
      port: { type: 'string', default: '3000' },
      exit: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  const positive = (name: string, raw: string, integer = true) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be a positive ${integer ? 'whole ' : ''}number, got "${raw}"`);
    return n;
  };
  const beaconIntervalMs = positive('beacon-interval-minutes', values['beacon-interval-minutes']) * MINUTE;
  if (86_400_000 % beaconIntervalMs !== 0) throw new Error('--beacon-interval-minutes must divide a day');
  if (!SCENARIOS[values.scenario] || SCENARIOS[values.scenario]!.area === null) throw new Error(`--scenario must be one of ${Object.keys(SCENARIOS).filter((s) => SCENARIOS[s]!.area).join(', ')}`);
  return {
    scenario: values.scenario,
    hotspots: positive('hotspots', values.hotspots),
    devices: Number(values.devices),
    seed: values.seed,
    epochs: positive('epochs', values.epochs),
    epochMs: positive('epoch-minutes', values['epoch-minutes']) * MINUTE,
    beaconIntervalMs,
    speed: positive('speed', values.speed, false),
    port: Number(values.port),
    exit: values.exit,
  };
}

/** Fixed-width text table. */
function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ')}`;
  return [line(headers), `  ${widths.map((w) => '-'.repeat(w)).join('   ')}`, ...cells.slice(1).map(line)].join('\n');
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

async function tableExists(sql: Sql, name: string): Promise<boolean> {
  const [row] = await sql<{ t: string | null }[]>`select to_regclass(${name})::text as t`;
  return !!row?.t;
}

async function count(sql: Sql, query: Promise<{ n: string | number }[]>): Promise<number> {
  void sql;
  const [row] = await query;
  return Number(row?.n ?? 0);
}

/**
 * Waits (real time) until every beacon is verified and the rewarder has paid every simulated
 * epoch; gives up after `maxRealMs`, or sooner when nothing has moved for `stallRealMs` (a service
 * that is not running in this build never will).
 */
async function waitForBackend(
  backend: EmbeddedBackend,
  firstEpoch: number,
  lastEpoch: number,
  limits: { maxRealMs: number; stallRealMs: number },
): Promise<{ epochsPaid: number; pendingBeacons: number; stalled: boolean }> {
  const { sql } = backend.node.ctx.database;
  const started = Date.now();
  let lastChange = started;
  let previous = '';
  const bar = process.stderr.isTTY ? progressBars() : silentProgress;
  const epochs = lastEpoch - firstEpoch + 1;
  for (;;) {
    const pendingBeacons = await count(sql, sql`select count(*) as n from beacon_reports where status = 'pending'`);
    const epochsPaid = (await tableExists(sql, 'reward_epochs')) ? await count(sql, sql`select count(*) as n from reward_epochs where epoch between ${firstEpoch} and ${lastEpoch}`) : 0;
    bar.update({ phase: 'setup', step: 'waiting for verification and rewards (epochs paid)', done: epochsPaid, total: epochs });
    const state = `${pendingBeacons}/${epochsPaid}`;
    if (state !== previous) {
      previous = state;
      lastChange = Date.now();
    }
    const done = epochsPaid >= epochs && pendingBeacons === 0;
    const stalled = Date.now() - lastChange > limits.stallRealMs;
    if (done || stalled || Date.now() - started > limits.maxRealMs) {
      bar.stop();
      return { epochsPaid, pendingBeacons, stalled: stalled && !done };
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/** How many honest witness reports reached ingest more than 4 s (simulated) after their beacon's report. */
async function lateHonestWitnesses(sql: Sql, world: SimWorld): Promise<{ late: number; total: number }> {
  const honest = world.hotspots.filter((h) => h.cheat === null).map((h) => h.address);
  const [row] = await sql<{ late: string; total: string }[]>`
    select count(*) filter (where w.received_at_ms - b.first_ms > 4000) as late, count(*) as total
    from witness_reports w
    join (select payload, min(received_at_ms) as first_ms from beacon_reports group by payload) b on b.payload = w.payload
    where w.hotspot_address = any(${sql.array(honest)})`;
  return { late: Number(row?.late ?? 0), total: Number(row?.total ?? 0) };
}

async function verdictsByReason(sql: Sql): Promise<{ kind: string; valid: boolean; reason: string; n: number }[]> {
  const rows = await sql<{ kind: string; valid: boolean; reason: string | null; n: string }[]>`
    select 'beacon' as kind, valid, reason, count(*) as n from beacon_verdicts group by valid, reason
    union all
    select 'witness' as kind, valid, reason, count(*) as n from witness_verdicts group by valid, reason
    order by kind, valid desc, n desc`;
  return rows.map((r) => ({ kind: r.kind, valid: r.valid, reason: r.reason ?? 'valid', n: Number(r.n) }));
}

async function evidenceByHotspot(sql: Sql): Promise<Map<string, HotspotEvidence>> {
  const evidence = new Map<string, HotspotEvidence>();
  const get = (address: string) => {
    let e = evidence.get(address);
    if (!e) evidence.set(address, (e = { fraudFlags: [], beaconInvalid: {}, witnessInvalid: {}, witnessVerdicts: 0 }));
    return e;
  };
  for (const r of await sql<{ a: string; reason: string; n: string }[]>`select hotspot_address as a, reason, count(*) as n from beacon_verdicts where not valid group by 1, 2`) {
    get(r.a).beaconInvalid[r.reason] = Number(r.n);
  }
  // A witness verdict that only repeats its beacon's failure says nothing about the witness.
  for (const r of await sql<{ a: string; valid: boolean; reason: string | null; n: string }[]>`
      select hotspot_address as a, valid, reason, count(*) as n from witness_verdicts
      where coalesce(details->>'side', 'witness') <> 'beaconer' group by 1, 2, 3`) {
    const e = get(r.a);
    e.witnessVerdicts += Number(r.n);
    if (!r.valid && r.reason) e.witnessInvalid[r.reason] = Number(r.n);
  }
  if (await tableExists(sql, 'fraud_flags')) {
    for (const r of await sql<{ a: string; kind: string }[]>`select distinct hotspot_address as a, kind from fraud_flags`) get(r.a).fraudFlags.push(r.kind);
  }
  return evidence;
}

async function topEarners(sql: Sql, world: SimWorld): Promise<string> {
  if (!(await tableExists(sql, 'hotspot_epoch_rewards'))) return '  (the rewarder has no reward tables in this build)';
  const rows = await sql<{ a: string; beacon: string; witness: string; data: string; total: string }[]>`
    select hotspot_address as a, sum(beacon_amount) as beacon, sum(witness_amount) as witness, sum(data_amount) as data,
           sum(beacon_amount + witness_amount + data_amount) as total
    from hotspot_epoch_rewards group by 1 order by total desc limit 10`;
  if (rows.length === 0) return '  (no rewards paid: the rewarder pays an epoch once it has ended, settled and been verified)';
  const labelOf = new Map(world.hotspots.map((h) => [h.address, h.cheat?.kind ?? 'honest']));
  return table(
    ['hotspot', 'label', 'beacon', 'witness', 'data', 'total (base units)'],
    rows.map((r) => [`${hotspotName(r.a)} (${short(r.a)})`, labelOf.get(r.a) ?? '?', r.beacon, r.witness, r.data, r.total]),
  );
}

/** Why the rewarder has not paid yet, from its wait counter (reason -> times). */
async function rewarderWaits(backend: EmbeddedBackend): Promise<string> {
  const metric = backend.node.ctx.metrics.getSingleMetric('cov_rewarder_epoch_waits_total');
  if (!metric) return '';
  const values = (await metric.get()).values.filter((v) => v.value > 0);
  return values.map((v) => `${String(v.labels.reason)} (${v.value} checks)`).join(', ');
}

async function dcPerOrg(sql: Sql): Promise<string> {
  if (!(await tableExists(sql, 'dc_ledger'))) return '  (no device-maker tables in this build)';
  // Device sessions heard (DevAddrs) and hotspots carrying the org's traffic: what GET /v1/orgs/:id/devices and /hotspots list.
  const rows = await sql<{ name: string; bought: string; burned: string; copies: string; balance: string; devices: number; hotspots: number }[]>`
    select o.name, coalesce(sum(l.amount_dc) filter (where l.kind <> 'burn'), 0) as bought,
           coalesce(-sum(l.amount_dc) filter (where l.kind = 'burn'), 0) as burned,
           coalesce(sum(l.copies) filter (where l.kind = 'burn'), 0) as copies, o.dc_balance as balance,
           (select count(distinct p.dev_addr)::int from routed_packets p where p.org_id = o.id) as devices,
           (select count(distinct h.hotspot_address)::int from org_hotspots_daily h where h.org_id = o.id) as hotspots
    from orgs o left join dc_ledger l on l.org_id = o.id group by o.id, o.name, o.dc_balance order by o.name`;
  if (rows.length === 0) return '  (no organisations)';
  // Organisation names carry the run's start time to stay unique across runs; the table drops it.
  return table(
    ['organisation', 'DC bought', 'DC spent', 'copies paid', 'balance', 'DevAddrs heard', 'hotspots carrying'],
    rows.map((r) => [r.name.replace(/ \(.*\)$/, ''), r.bought, r.burned, r.copies, r.balance, r.devices, r.hotspots]),
  );
}

function detectionTable(score: DetectionScore): string {
  const overall = `  full hotspots ${score.scored}, cheaters ${score.cheaters}, flagged ${score.flagged}: precision ${pct(score.precision)}, recall ${pct(score.recall)} (true ${score.truePositives}, false ${score.falsePositives}, missed ${score.falseNegatives})`;
  const perKind = table(
    ['cheater kind', 'planted', 'caught', 'recall', 'caught by'],
    score.perKind.filter((k) => k.total > 0).map((k) => [k.kind, k.total, k.caught, pct(k.recall), k.caughtBy.slice(0, 2).map((s) => `${s.signal} (${s.hotspots})`).join(', ') || '-']),
  );
  const fp = score.falsePositiveSignals.length > 0 ? `\n  honest hotspots flagged by: ${score.falsePositiveSignals.map((s) => `${s.signal} (${s.hotspots})`).join(', ')}` : '';
  return `${overall}\n${perKind}${fp}`;
}

function reportsTable(summary: RunSummary, stored: { beacons: number; witnesses: number }): string {
  const rejected = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
  return table(
    ['report', 'sent', 'of which replays', 'acknowledged', 'stored in DB', 'rejected', 'not connected'],
    [
      ['beacons', summary.beacons.sent, summary.beacons.replayed, summary.beacons.accepted, stored.beacons, rejected(summary.beacons.rejected), summary.beacons.notConnected],
      ['witnesses', summary.witnesses.sent, summary.witnesses.replayed, summary.witnesses.accepted, stored.witnesses, rejected(summary.witnesses.rejected), summary.witnesses.notConnected],
    ],
  );
}

async function main(argv: string[]): Promise<number> {
  let options: DemoOptions | null;
  try {
    options = parseDemoArgs(argv);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(HELP);
    return 0;
  }
  const scenario = SCENARIOS[options.scenario]!;
  const durationMs = options.epochs * options.epochMs;
  // Start on an epoch boundary so the run covers whole epochs.
  const simStartMs = Math.floor(Date.now() / options.epochMs) * options.epochMs;
  const firstEpoch = Math.floor(simStartMs / options.epochMs);
  const lastEpoch = firstEpoch + options.epochs - 1;
  process.stderr.write(
    `demo: ${options.hotspots} hotspots and ${options.devices} devices (${scenario.description}), ${options.epochs} epochs of ${options.epochMs / MINUTE} simulated minutes, beacons every ${options.beaconIntervalMs / MINUTE} minutes, ${options.speed}x: about ${(durationMs / options.speed / MINUTE).toFixed(1)} real minutes plus setup and settling\n`,
  );

  const settings = {
    BEACON_INTERVAL_MS: String(options.beaconIntervalMs),
    EPOCH_LENGTH_MS: String(options.epochMs),
    EPOCH_SETTLE_DELAY_MS: String(2 * MINUTE),
    // The rewarder waits for an epoch's fraud analytics, which run once unclaimed witnesses have
    // aged out; at the default 45 simulated minutes that would outlast the demo's short epochs.
    VERIFIER_STALE_WITNESS_AFTER_MS: String(2 * MINUTE),
  };
  const start = (port: number) => startEmbeddedBackend({ simStartMs, speed: options.speed, port, settings });
  const backend = await start(options.port).catch((e: unknown) => {
    if (options.port === 0 || !String((e as { code?: string }).code ?? e).includes('EADDRINUSE')) throw e;
    process.stderr.write(`port ${options.port} is busy; using a free port instead\n`);
    return start(0);
  });
  try {
    const world = buildScenarioWorld(scenario, { seed: options.seed, hotspotCount: options.hotspots, deviceCount: options.devices });
    const { summary } = await runLiveSimulation({
      scenario: scenario.name,
      world,
      backend,
      speed: options.speed,
      durationMs,
      makerName: `demo ${scenario.name} seed ${options.seed}`,
      setupConcurrency: 16,
      beaconIntervalMs: options.beaconIntervalMs,
      entropyValidityMs: backend.config.ENTROPY_VALIDITY_MS,
      appDownlinkShare: 0.05,
      progress: process.stderr.isTTY ? progressBars() : silentProgress,
    });

    const settle = await waitForBackend(backend, firstEpoch, lastEpoch, { maxRealMs: 4 * MINUTE, stallRealMs: 45_000 });
    const { sql } = backend.node.ctx.database;
    const stored = {
      beacons: await count(sql, sql`select count(*) as n from beacon_reports`),
      witnesses: await count(sql, sql`select count(*) as n from witness_reports`),
    };
    const verdicts = await verdictsByReason(sql);
    const labels = buildLabels(world, scenario.name);
    const out: string[] = [];
    out.push('', `=== coverage network demo: ${summary.world.hotspots} hotspots (${summary.world.fullHotspots} full, ${summary.world.dataOnlyHotspots} data-only), ${summary.world.devices} devices, ${summary.simulated.start} .. ${summary.simulated.end} simulated in ${(summary.realElapsedMs / 1000).toFixed(0)} s ===`);
    const late = await lateHonestWitnesses(sql, world);
    out.push('', 'Reports', reportsTable(summary, stored));
    out.push(`  honest witnesses received over 4 s after their beacon: ${late.late} of ${late.total} (${pct(late.total ? late.late / late.total : null)}; backhaul lag plus real processing time times the speed)`);
    out.push(
      '',
      'Device traffic',
      summary.devices.idleReason
        ? `  devices idle: ${summary.devices.idleReason}`
        : table(
            ['join requests', 'joined', 'uplinks', 'copies forwarded', 'downlinks heard', 'TX_ACK too late'],
            [[summary.devices.joinRequests, summary.devices.joined, summary.devices.uplinks, summary.devices.uplinkCopiesForwarded, summary.devices.downlinksReceived, summary.counters['gwmp.tx_ack.TOO_LATE'] ?? 0]],
          ),
    );
    out.push('', 'PoC verdicts by reason');
    if (verdicts.length === 0) out.push(`  (no verdicts: ${settle.pendingBeacons} beacons still pending${settle.stalled ? '; the verifier made no progress, it may not run in this build' : ''})`);
    else out.push(table(['report', 'verdict', 'count'], verdicts.map((v) => [v.kind, v.reason, v.n])));
    const fraudFlags = (await tableExists(sql, 'fraud_flags')) ? await count(sql, sql`select count(*) as n from fraud_flags`) : 0;
    out.push('', 'Cheaters caught (simulator labels vs fraud flags and invalid verdicts)');
    out.push(`  fraud flags written by the analytics: ${fraudFlags}${fraudFlags === 0 ? ' (spoofers, rings, on-model RSSI and clock skew are only caught there)' : ''}`);
    out.push(verdicts.length === 0 ? '  (nothing to score until the verifier has produced verdicts)' : detectionTable(scoreDetection(labels.hotspots, await evidenceByHotspot(sql))));
    const waits = settle.epochsPaid < options.epochs ? await rewarderWaits(backend) : '';
    out.push('', `Top earners (epochs ${firstEpoch}..${lastEpoch}; ${settle.epochsPaid} of ${options.epochs} paid${waits ? `; the rewarder is waiting: ${waits}` : ''})`, await topEarners(sql, world));
    out.push('', 'Data credits per device maker', await dcPerOrg(sql));
    out.push(
      '',
      'Look around',
      `  API docs   ${backend.baseUrl}/docs`,
      `  map        ${backend.baseUrl}/map   (on one hotspot: ${backend.baseUrl}/map?hotspot=${hotspotName(world.hotspots[0]!.address)})`,
      `  API        ${backend.baseUrl}/v1   (e.g. ${backend.baseUrl}/v1/hotspots/${world.hotspots[0]!.address}, or by its name: ${backend.baseUrl}/v1/hotspots/name/${hotspotName(world.hotspots[0]!.address)})`,
      `  cheaters planted: ${CHEATER_KINDS.filter((k) => summary.world.cheaters[k] > 0).map((k) => `${k} ${summary.world.cheaters[k]}`).join(', ') || 'none'}`,
      '',
    );
    process.stdout.write(`${out.join('\n')}\n`);
    if (!options.exit) {
      process.stderr.write('The backend keeps running (its clock keeps going at the same speed); Ctrl-C to stop.\n');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    }
  } finally {
    await backend.stop();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
