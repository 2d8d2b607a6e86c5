/**
 * `npm run sim -- <flags>`: flag parsing and validation. Every flag is documented in
 * firmware-sim/README.md; `--help` prints the same list.
 */
import { parseArgs } from 'node:util';
import { CHEATER_KINDS, cheaterFlagName, NO_CHEATERS, type CheaterKind, type CheaterShares } from '../cheaters/cheater-kinds';
import { SCENARIOS, type ScenarioDefaults } from '../scenario/scenarios';

export class UsageError extends Error {}

export type TargetChoice = { kind: 'dry' } | { kind: 'embedded' } | { kind: 'url'; baseUrl: string };

export interface SimCliOptions {
  scenario: ScenarioDefaults;
  seed: string;
  hotspots: number;
  devices: number;
  durationMs: number;
  target: TargetChoice;
  /** Simulated ms per real ms. */
  speed: number;
  /** Simulated start; null = now (dry: 2025-01-01T00:00Z for reproducible records). */
  startMs: number | null;
  beaconIntervalMs: number;
  epochMs: number | null;
  entropyIntervalMs: number;
  entropyValidityMs: number;
  areaFile: string | null;
  dataOnlyShare: number;
  httpShare: number;
  orgCount: number;
  uplinkIntervalMs: number;
  confirmedShare: number;
  appDownlinkShare: number;
  cheaterShares: CheaterShares;
  recordPath: string | null;
  labelsPath: string | null;
  summaryPath: string | null;
  adminKey: string | null;
  gwmp: { host: string; port: number } | null;
  lnsHost: string;
  /** URL targets: where the device makers remember their organisations across runs; null: new ones every run. */
  deviceMakerStatePath: string | null;
  keepaliveMs: number;
  statIntervalMs: number;
  progress: boolean;
  keepRunning: boolean;
  port: number;
  help: boolean;
}

const SHARE_FLAGS = Object.fromEntries(CHEATER_KINDS.map((k) => [`share-${cheaterFlagName(k)}`, { type: 'string' as const }]));

const FLAGS = {
  scenario: { type: 'string' },
  seed: { type: 'string' },
  hotspots: { type: 'string' },
  devices: { type: 'string' },
  days: { type: 'string' },
  target: { type: 'string' },
  speed: { type: 'string' },
  start: { type: 'string' },
  'beacon-interval-ms': { type: 'string' },
  'epoch-ms': { type: 'string' },
  'entropy-interval-ms': { type: 'string' },
  'entropy-validity-ms': { type: 'string' },
  area: { type: 'string' },
  'data-only-share': { type: 'string' },
  'http-share': { type: 'string' },
  orgs: { type: 'string' },
  'uplink-interval-ms': { type: 'string' },
  'confirmed-share': { type: 'string' },
  'app-downlink-share': { type: 'string' },
  'no-cheaters': { type: 'boolean' },
  record: { type: 'string' },
  labels: { type: 'string' },
  'summary-json': { type: 'string' },
  'admin-key': { type: 'string' },
  gwmp: { type: 'string' },
  'lns-host': { type: 'string' },
  'device-maker-state': { type: 'string' },
  'keepalive-ms': { type: 'string' },
  'stat-interval-ms': { type: 'string' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  'keep-running': { type: 'boolean' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...SHARE_FLAGS,
} as const;

const DAY_MS = 86_400_000;

function num(name: string, raw: string | undefined, fallback: number, check: { min?: number; max?: number; integer?: boolean } = {}): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  if (check.integer && !Number.isInteger(value)) throw new UsageError(`--${name} must be a whole number, got ${raw}`);
  if (check.min !== undefined && value < check.min) throw new UsageError(`--${name} must be at least ${check.min}, got ${raw}`);
  if (check.max !== undefined && value > check.max) throw new UsageError(`--${name} must be at most ${check.max}, got ${raw}`);
  return value;
}

const share = (name: string, raw: string | undefined, fallback: number) => num(name, raw, fallback, { min: 0, max: 1 });

function parseTarget(raw: string | undefined): TargetChoice {
  if (raw === undefined || raw === 'embedded') return { kind: 'embedded' };
  if (raw === 'dry') return { kind: 'dry' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--target must be dry, embedded or an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--target URL must be http or https, got "${raw}"`);
  return { kind: 'url', baseUrl: url.origin };
}

function parseHostPort(raw: string | undefined): { host: string; port: number } | null {
  if (raw === undefined) return null;
  const m = /^(.+):(\d{1,5})$/.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new UsageError(`--gwmp must be HOST:PORT, got "${raw}"`);
  return { host: m[1]!, port };
}

export function parseSimArgs(argv: readonly string[]): SimCliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const str = (k: string) => values[k] as string | undefined;
  const scenarioName = str('scenario') ?? 'city-us';
  const scenario = SCENARIOS[scenarioName];
  if (!scenario) throw new UsageError(`unknown --scenario "${scenarioName}"; one of: ${Object.keys(SCENARIOS).join(', ')}`);
  const areaFile = str('area') ?? null;
  if (scenario.area === null && !areaFile) throw new UsageError(`--scenario ${scenarioName} needs --area FILE (a GeoJSON polygon)`);
  const target = parseTarget(str('target'));

  const cheaterShares = { ...(values['no-cheaters'] ? NO_CHEATERS : scenario.cheaterShares) } as Record<CheaterKind, number>;
  for (const kind of CHEATER_KINDS) {
    const flag = `share-${cheaterFlagName(kind)}`;
    cheaterShares[kind] = share(flag, str(flag), cheaterShares[kind]);
  }
  const totalShare = CHEATER_KINDS.reduce((sum, k) => sum + cheaterShares[k], 0);
  if (totalShare > 0.9) throw new UsageError(`cheater shares add up to ${totalShare.toFixed(2)}; keep them under 0.9 so there is an honest network to cheat`);

  const startRaw = str('start');
  let startMs: number | null = null;
  if (startRaw !== undefined) {
    startMs = Date.parse(startRaw);
    if (!Number.isFinite(startMs)) throw new UsageError(`--start must be an ISO 8601 time, got "${startRaw}"`);
    if (target.kind === 'url') throw new UsageError('--start only applies to --target dry or embedded (a running backend has its own clock)');
  }
  const beaconIntervalMs = num('beacon-interval-ms', str('beacon-interval-ms'), 21_600_000, { min: 60_000, integer: true });
  if (DAY_MS % beaconIntervalMs !== 0) throw new UsageError('--beacon-interval-ms must divide a day (86400000)');
  const epochRaw = str('epoch-ms');
  const epochMs = epochRaw === undefined ? null : num('epoch-ms', epochRaw, 0, { min: 60_000, integer: true });
  if (epochMs !== null && target.kind === 'url') throw new UsageError('--epoch-ms only applies to --target embedded (a running backend has its own settings)');
  const deviceMakerStatePath = str('device-maker-state') ?? null;
  if (deviceMakerStatePath !== null && target.kind !== 'url') throw new UsageError('--device-maker-state only applies to a URL --target (the other targets start from an empty backend)');
  const progressFlag = values.progress === true ? true : values['no-progress'] === true ? false : process.stderr.isTTY === true;

  return {
    scenario,
    seed: str('seed') ?? '1',
    hotspots: num('hotspots', str('hotspots'), scenario.hotspots, { min: 1, max: 100_000, integer: true }),
    devices: num('devices', str('devices'), scenario.devices, { min: 0, max: 100_000, integer: true }),
    durationMs: Math.round(num('days', str('days'), scenario.days, { min: 0.001, max: 365 }) * DAY_MS),
    target,
    speed: num('speed', str('speed'), target.kind === 'url' ? 1 : 8, { min: 0.01, max: 100_000 }),
    startMs,
    beaconIntervalMs,
    epochMs,
    entropyIntervalMs: num('entropy-interval-ms', str('entropy-interval-ms'), 60_000, { min: 1_000, integer: true }),
    entropyValidityMs: num('entropy-validity-ms', str('entropy-validity-ms'), 180_000, { min: 60_000, integer: true }),
    areaFile,
    dataOnlyShare: share('data-only-share', str('data-only-share'), scenario.dataOnlyShare),
    httpShare: share('http-share', str('http-share'), scenario.httpShare),
    orgCount: num('orgs', str('orgs'), scenario.orgCount, { min: 1, max: 16, integer: true }),
    uplinkIntervalMs: num('uplink-interval-ms', str('uplink-interval-ms'), scenario.uplinkIntervalMs, { min: 10_000, integer: true }),
    confirmedShare: share('confirmed-share', str('confirmed-share'), scenario.confirmedShare),
    appDownlinkShare: share('app-downlink-share', str('app-downlink-share'), 0.05),
    cheaterShares,
    recordPath: str('record') ?? null,
    labelsPath: str('labels') ?? null,
    summaryPath: str('summary-json') ?? null,
    adminKey: str('admin-key') ?? null,
    gwmp: parseHostPort(str('gwmp')),
    lnsHost: str('lns-host') ?? '127.0.0.1',
    deviceMakerStatePath,
    keepaliveMs: num('keepalive-ms', str('keepalive-ms'), 10_000, { min: 1_000, integer: true }),
    statIntervalMs: num('stat-interval-ms', str('stat-interval-ms'), 30_000, { min: 1_000, integer: true }),
    progress: progressFlag,
    keepRunning: values['keep-running'] === true,
    port: num('port', str('port'), 0, { min: 0, max: 65535, integer: true }),
    help: values.help === true,
  };
}

export const HELP = `npm run sim -- [flags]

World
  --scenario NAME           ${Object.keys(SCENARIOS).join(' | ')} (default city-us)
  --seed S                  any string; the whole world and its traffic follow from it (default 1)
  --hotspots N              number of hotspots (scenario default)
  --devices M               number of LoRaWAN devices (scenario default)
  --area FILE               GeoJSON Polygon/MultiPolygon to place hotspots in instead of the preset
  --data-only-share X       share of data-only hotspots (default 0.1)
  --http-share X            share of hotspots posting HTTP batches instead of a WebSocket session (0.2)
  --orgs N                  device-maker organisations (2)
  --uplink-interval-ms MS   mean time between a device's uplinks (900000)
  --confirmed-share X       share of confirmed uplinks (0.2)
  --app-downlink-share X    share of uplinks a device maker answers with application data (0.05)
  --share-<kind> X          share of hotspots cheating this way; kinds: ${CHEATER_KINDS.map(cheaterFlagName).join(', ')}
  --no-cheaters             every share 0 (individual --share-* flags still apply)

Time and target
  --days D                  simulated duration in days, fractions allowed (scenario default 1)
  --target T                embedded (default: the all-in-one backend in this process), dry (no backend), or a URL
  --speed X                 simulated ms per real ms (embedded 8; URL 1: follow the server's clock)
  --start ISO               simulated start (embedded: now; dry: 2025-01-01T00:00:00Z)
  --beacon-interval-ms MS   beacon window, must divide a day (21600000); embedded: also the backend's setting
  --epoch-ms MS             embedded only: the backend's reward epoch length
  --entropy-interval-ms MS  how often entropy changes: embedded, the backend's; dry, the stand-in's; URL, when HTTP hotspots refetch it (60000)
  --entropy-validity-ms MS  entropy lifetime a beacon must respect (180000)
  --admin-key KEY           URL targets: admin API key (default: ./.data/admin.key if present)
  --gwmp HOST:PORT          URL targets: router's GWMP address (default: the URL's host, port 1700)
  --lns-host HOST           address the router reaches the simulated network servers at (127.0.0.1)
  --device-maker-state FILE URL targets: remember the device makers' organisations in FILE and reuse them next run
  --keepalive-ms MS         packet forwarder PULL_DATA interval, simulated (10000)
  --stat-interval-ms MS     packet forwarder stat interval, simulated (30000)
  --port N                  embedded only: HTTP port of the backend (0 = any free port)
  --keep-running            embedded only: keep the backend up after the run until Ctrl-C

Output
  --record FILE             NDJSON of every message sent: kind, simTimeMs, hotspot, body or hex
  --labels FILE             JSON ground truth: every hotspot's cheat kind (or null), true and asserted location
  --summary-json FILE       the run summary as JSON (also printed to stdout)
  --progress / --no-progress  progress bars on stderr (default: when stderr is a terminal)
`;
