/**
 * The one validated configuration object. Nothing else in the code base reads process.env: every
 * setting is declared here with a default, its unit in its name and a description, and
 * .env.example lists the same keys (a unit test keeps the two in step).
 *
 * Embedded mode is chosen by leaving DATABASE_URL empty: one process then runs every service on an
 * embedded PGlite database under DATA_DIR.
 */
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { AppError } from '../errors';

const Int = (def: number, description: string, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  Type.Integer({ default: def, minimum: min, maximum: max, description });
const Str = (def: string, description: string) => Type.String({ default: def, description });

export const ConfigSchema = Type.Object(
  {
    // ---- process and transport
    LOG_LEVEL: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], {
      default: 'info',
      description: 'pino log level.',
    }),
    HOST: Str('127.0.0.1', 'Address the HTTP and WebSocket servers bind to (0.0.0.0 in containers).'),
    PORT: Int(3000, 'HTTP port of the API (and of every HTTP service in embedded mode); 0 picks a free port.', 0, 65535),
    GWMP_HOST: Str('127.0.0.1', 'Address the router binds its GWMP UDP socket to (0.0.0.0 in containers).'),
    GWMP_PORT: Int(1700, 'UDP port of the router (Semtech GWMP v2 packet forwarder protocol); 0 picks a free port.', 0, 65535),
    HTTP_BODY_LIMIT_BYTES: Int(1_048_576, 'Largest HTTP request body accepted, in bytes.', 1024),
    SHUTDOWN_TIMEOUT_MS: Int(15_000, 'How long graceful shutdown waits for tasks to drain before exiting anyway.', 100),

    // ---- the simulated network `npm start` runs on the embedded default (never with DATABASE_URL)
    SIMULATOR_HOTSPOTS: Int(60, 'Embedded mode only: hotspots of the firmware-sim network `npm start` runs against itself in real time; 0 runs no simulator.', 0, 5000),
    SIMULATOR_DEVICES: Int(30, 'Embedded mode only: LoRaWAN end devices of that simulated network.', 0, 5000),
    SIMULATOR_SCENARIO: Str('city-us', 'Embedded mode only: firmware-sim scenario (area, cheaters, device makers) of that simulated network.'),

    // ---- storage and queues
    DATABASE_URL: Type.String({
      default: '',
      pattern: '^(postgres|postgresql)://[^\\s]+$|^$',
      description: 'PostgreSQL URL (postgres://user:password@host:5432/db). Empty: embedded mode (PGlite under DATA_DIR, every service in one process).',
    }),
    DB_POOL_MAX: Int(10, 'Connections in each process\'s PostgreSQL pool.', 1, 500),
    DATA_DIR: Str('./.data', 'Folder of the embedded database, generated keys and published manifests.'),
    EMBEDDED_DB_PORT: Int(0, 'Loopback TCP port the embedded database is served on; 0 picks a free port.', 0, 65535),
    EMBEDDED_DB_MAX_CONNECTIONS: Int(64, 'Concurrent client connections the embedded database multiplexes.', 1, 1000),
    REDIS_URL: Type.String({
      default: '',
      pattern: '^rediss?://[^\\s]+$|^$',
      description: 'Redis URL for BullMQ (redis://host:6379, rediss:// for TLS). Empty: BullMQ runs on its PostgreSQL backend in the same database.',
    }),
    QUEUE_PREFIX: Str('cov', 'BullMQ prefix (Redis key prefix); lets several deployments or test runs share one Redis.'),
    TEST_DATABASE_ADMIN_URL: Str('postgres://postgres@127.0.0.1:5432/postgres', 'Tests only: PostgreSQL server on which each integration test file gets its own database.'),
    TEST_LOG_LEVEL: Type.Union([Type.Literal('silent'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug')], {
      default: 'silent',
      description: 'Tests only: log level of the nodes integration tests start.',
    }),
    TEST_CHROMIUM_PATH: Str('/usr/bin/chromium', "Tests only: the browser the map page test drives (Debian's chromium package)."),
    TEST_REDIS_URL: Str('redis://127.0.0.1:6379', 'Tests only: Redis used by integration tests of the Redis queue backend.'),

    // ---- keys and auth
    ORACLE_KEY_PATH: Str('', 'File with the oracle\'s ed25519 secret key (hex). Empty: DATA_DIR/oracle.key, created on first start.'),
    ADMIN_API_KEY: Str('', 'Key for admin endpoints (maker onboarding, denylist). Empty: DATA_DIR/admin.key, created on first start.'),
    ADMIN_API_KEY_PREVIOUS: Str(
      '',
      'During an admin key rotation: the key ADMIN_API_KEY replaces, still accepted beside it (each use logged as a warning) until every admin client has the new one; then unset it. Empty: only ADMIN_API_KEY.',
    ),
    SIGNED_REQUEST_MAX_SKEW_MS: Int(300_000, 'Owner-signed requests must carry a timestamp within this distance of server time.', 1000),
    RATE_LIMIT_PER_MINUTE: Int(600, 'Requests per minute per client key or IP on the public API (published in RateLimit headers).', 1),
    CORS_ORIGINS: Str('*', 'Origins browsers may call the API from: * (any; the API takes bearer keys, never cookies), a comma-separated list of origins, or none for no CORS headers.'),

    // ---- analysts
    COVERAGE_SNAPSHOT_TTL_MS: Int(30_000, 'The coverage aggregation (hex lists, map, point coverage) is rebuilt when older than this.', 0),

    // ---- geography
    REGION_CACHE_H3_RES: Int(7, 'H3 resolution of the cells by which location -> LoRaWAN region lookups are cached.', 0, 10),

    // ---- proof of coverage
    ENTROPY_INTERVAL_MS: Int(60_000, 'A new entropy value is generated this often.', 1000),
    ENTROPY_VALIDITY_MS: Int(180_000, 'How long after its timestamp a beacon may still embed an entropy value.', 1000),
    BEACON_INTERVAL_MS: Int(21_600_000, 'Beacon window length (UTC aligned); one beacon per hotspot per window. Must divide a day.', 60_000),
    INGEST_MAX_MESSAGE_BYTES: Int(16_384, 'Largest single report message (WebSocket frame or JSON report), in bytes.', 256),
    INGEST_MAX_BATCH_REPORTS: Int(1000, 'Most reports in one HTTP batch.', 1),
    INGEST_SESSION_KEY_MAX_LIFETIME_MS: Int(86_400_000, 'Longest lifetime a hotspot may give a delegated session key.', 60_000),
    INGEST_FLUSH_INTERVAL_MS: Int(20, 'Reports arriving within this interval are stored in one batch insert.', 1),
    INGEST_FLUSH_MAX_REPORTS: Int(2000, 'A pending batch is stored as soon as it holds this many reports.', 1),
    INGEST_VERIFY_THREADS: Int(2, 'Worker threads that verify report signatures while the main thread decodes, stores and acknowledges (2 lets verification use whatever CPU the main thread and the database leave on a 2-core machine); 0 verifies on the main thread.', 0, 64),
    VERIFIER_POLL_INTERVAL_MS: Int(5000, 'How often the verifier looks for beacons whose entropy window has closed.', 100),
    VERIFIER_BATCH_BEACONS: Int(500, 'Beacons verified per batch.', 1),
    MAX_WITNESSES_PER_POC: Int(14, 'Valid witnesses selected (rewarded) per beacon.', 1),
    VERIFIER_CONCURRENCY: Int(4, 'Beacon batches one verifier process verifies at the same time.', 1, 64),
    VERIFIER_CLAIM_TTL_MS: Int(300_000, 'A poller that puts a beacon on the verify queue claims it in the database for this long, so other verifiers do not queue it too; a beacon still unverified when its claim expires (its job was lost) is handed out again. Well above the time a batch waits in the queue and runs, retries included.', 10_000),
    VERIFIER_WITNESS_LAG_ALLOWANCE_MS: Int(10_000, 'Extra wait after a beacon\'s entropy window closes (or after the beacon arrived, if later) so witnesses still in flight are stored before it is verified.', 0),
    VERIFIER_RECIPROCITY_SETTLE_MS: Int(600_000, 'HIP-106 reciprocity counts only evidence at least this old, and the verifier runs at most this much (minus ENTROPY_VALIDITY_MS) ahead of its oldest unverified beacon, so verdicts never depend on the order concurrent batches commit in.', 60_000),
    VERIFIER_STALE_WITNESS_AFTER_MS: Int(2_700_000, 'A witness report that no verified beacon has claimed this long after it arrived is recorded as stale.', 60_000),

    // ---- rewards
    EPOCH_LENGTH_MS: Int(86_400_000, 'Reward epoch length (UTC aligned).', 60_000),
    EPOCH_SETTLE_DELAY_MS: Int(1_800_000, 'An epoch is computed no earlier than this long after it ends.', 0),
    REWARD_EMISSION_PER_EPOCH: Type.String({ default: '1643835616438356', pattern: '^[0-9]+$', description: 'Tokens emitted per epoch, in token base units (integer).' }),
    FRAUD_POLICY: Type.Union([Type.Literal('exclude'), Type.Literal('downgrade'), Type.Literal('ignore')], {
      default: 'exclude',
      description: 'What the rewarder does with hotspots flagged by fraud analytics.',
    }),
    MANIFESTS_DIR: Str('', 'Folder manifests are published to. Empty: DATA_DIR/manifests.'),
    REWARDER_POLL_INTERVAL_MS: Int(60_000, 'How often the rewarder looks for an epoch that is due and whose inputs are complete.', 100),
    PROVISIONAL_REWARDS_INTERVAL_MS: Int(900_000, 'How often the rewarder recomputes what the epochs not paid yet would pay each hotspot so far (owners\' "earned today"). 0: never.', 0),
    REWARD_TOKEN_PRICE_USD: Type.String({
      default: '3',
      pattern: '^[0-9]+(\\.[0-9]+)?$',
      description: 'USD per whole reward token (exact decimal), used to value carried data credits; recorded in the protocol parameter set.',
    }),
    REWARD_TOKEN_DECIMALS: Int(8, 'Decimals of the reward token: base units per token = 10^decimals (HNT: 8).', 0, 18),

    // ---- routing
    NET_ID: Type.String({ default: 'C00053', pattern: '^[0-9A-Fa-f]{6}$', description: 'LoRaWAN NetID (hex) DevAddr blocks are allocated from.' }),
    ROUTER_DEDUP_WINDOW_MS: Int(200, 'Copies of one uplink from many hotspots are collected for this long.', 1),
    ROUTER_PURCHASE_LEAD_MS: Int(
      50,
      'How long before a dedup window closes the router buys the copies it holds (the first max_copies per route), so the burn has committed when the packet is forwarded at the close; copies heard after that are bought as they come while a route has room. 0 buys at the close; a lead as long as the window buys at the first copy.',
      0,
      600_000,
    ),
    ROUTER_NEGATIVE_CACHE_MS: Int(60_000, 'Unknown DevAddr/EUI lookups are remembered as misses this long.', 0),
    ROUTER_BURN_SETTLE_DELAY_MS: Int(
      200,
      'How long after a burn batch commits the router expands the burn journal into the packet log, bought-copy records and route stats (their lag behind balances and the ledger). About one dedup window, so that a packet, its later purchases and the copies heard after them mostly settle in one statement, and each statement takes many batches (settling costs PostgreSQL far less per packet in bulk).',
      0,
      10_000,
    ),
    ROUTER_BURN_GATHER_MS: Int(
      10,
      'How long a burn batch waits for more purchases after the first (fewer, larger transactions at moderate rates), never past 20 ms before the dedup window of one of its packets closes; a purchase made at the close starts its batch at once. 0 starts each batch at once.',
      0,
      1000,
    ),
    ROUTER_BURN_FLUSH_MAX_PACKETS: Int(5000, 'A pending burn batch is committed as soon as it holds this many packet-route decisions.', 1),
    ROUTER_CONFIG_POLL_INTERVAL_MS: Int(1000, 'How often the router checks whether routes, ranges, EUI pairs or session-key filters changed.', 10),
    ROUTER_WEBHOOK_TIMEOUT_MS: Int(2000, 'How long the router waits for a device maker HTTP endpoint to answer an uplink.', 10),
    ROUTER_ENDPOINT_BACKOFF_MS: Int(
      1000,
      "Error back-off of a route whose endpoint keeps failing (refused, timed out, unreachable): for this long its packets are not bought, so the device maker does not pay for packets its server cannot take (drop reason endpoint_backoff); doubled after each back-off that ends in another failure, reset by a success. 0 turns back-off off.",
      0,
      3_600_000,
    ),
    ROUTER_GATEWAY_MAX_UPLINKS_PER_S: Int(
      25,
      "Uplinks a second one hotspot may hand the router (a token bucket holding one second's worth; Helium's packet router allows 25); more are dropped as gateway_throttled. 0 for no limit.",
      0,
    ),
    ROUTER_ENDPOINT_BACKOFF_MAX_MS: Int(60_000, 'Longest error back-off of a failing route endpoint.', 0, 86_400_000),
    ROUTER_ENDPOINT_FAILURES_BEFORE_BACKOFF: Int(3, 'Failed deliveries in a row (no success in between) before a route endpoint is first backed off.', 1, 1000),
    ROUTER_PUBLIC_URL: Str(
      '',
      "Base URL at which device makers reach this router's HTTP server; each webhook message gives them `<it>/v1/router/downlinks` as `downlinkUrl`, where a later downlink for the packet must be posted (with several routers, to the one that forwarded it). Empty: the address the server is bound to, unless that is a wildcard (0.0.0.0, ::), when messages carry no downlinkUrl.",
    ),
    ROUTER_MULTIBUY: Type.Union([Type.Literal('shared'), Type.Literal('local')], {
      default: 'shared',
      description:
        "shared: with REDIS_URL, routers claim each packet's copies on a multi-buy counter in Redis before buying them, so a packet heard through several routers is still bought at most max_copies times per route in all (run several routers). local: each router counts alone (one router; saves a Redis round trip per purchase). Without REDIS_URL the count is always local.",
    }),
    ROUTER_MULTIBUY_TIMEOUT_MS: Int(
      25,
      'How long a purchase waits for the shared multi-buy counter; after that (or at once while Redis is unreachable) it goes on with the router\'s own count (fail open), counted in cov_router_multibuy_unavailable_total.',
      1,
      10_000,
    ),
    BALANCE_ALERT_CHECK_INTERVAL_MS: Int(
      30_000,
      "How often the API checks organisations' low-balance alerts: a balance under its threshold gets one notice posted to the org's URL (retried at the next check if the post failed); a top-up back to it or above arms the alert again.",
      10,
      3_600_000,
    ),
    ORG_STREAM_KEY_CHECK_INTERVAL_MS: Int(
      10_000,
      "How often an organisation's open packet stream checks that the API key it was opened with is still live: a revoked key's stream is closed (1008 auth.bad_key) at the next check.",
      10,
      3_600_000,
    ),
    ALERT_POST_TIMEOUT_MS: Int(5000, "How long the API waits for a device maker's or hotspot owner's endpoint to take an alert notice.", 10, 60_000),
    ALERT_PRIVATE_ADDRESSES: Type.Union([Type.Literal('refuse'), Type.Literal('allow')], {
      default: 'refuse',
      description:
        'refuse: alert notices (low balance, hotspot status) are never posted to a private, loopback or link-local address, as their URLs come from users (a URL naming one is refused when set, a host name resolving to one when posting: lastError private_address). allow: for a deployment whose subscribers sit on its own network, and tests.',
    }),
    OWNER_ALERT_CHECK_INTERVAL_MS: Int(
      60_000,
      "How often the API checks subscribed owners' hotspots: a hotspot that went offline or came back (beacons, witnesses or carried packets within two beacon intervals) is told to its owner's URL in one notice per owner (retried at the next check if the post failed).",
      10,
      3_600_000,
    ),
    ROUTER_PACKET_LOG_RETENTION_MS: Int(86_400_000, 'Per-route packet log rows (recent packets) older than this are pruned; bought-copy records are kept.', 60_000),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema> & {
  /** embedded: no DATABASE_URL, everything in one process on PGlite. */
  readonly mode: 'embedded' | 'server';
};

export const configKeys = Object.keys(ConfigSchema.properties) as (keyof Static<typeof ConfigSchema>)[];

/**
 * Builds the config from an environment (process.env by default). Unknown keys in the environment
 * are ignored (the environment holds much else); bad values fail fast with every problem listed.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Static<typeof ConfigSchema>> = {}): Config {
  const picked: Record<string, unknown> = {};
  for (const key of configKeys) {
    const raw = env[key];
    if (raw !== undefined && raw !== '') picked[key] = raw;
  }
  Object.assign(picked, overrides);
  const converted = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, picked));
  if (!Value.Check(ConfigSchema, converted)) {
    const problems = [...Value.Errors(ConfigSchema, converted)].map((e) => `${e.instancePath.slice(1) || '(root)'}: ${e.message}`);
    throw new AppError('config.invalid', `invalid configuration: ${problems.join('; ')}`, { problems });
  }
  const cfg = converted as Static<typeof ConfigSchema>;
  // A URL the pattern lets through may still not parse (a port that is not a number); the drivers
  // would fail later with a bare "Invalid URL" that names no setting. The value is never echoed:
  // it may hold a password.
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'ROUTER_PUBLIC_URL'] as const) {
    if (cfg[key] !== '' && !URL.canParse(cfg[key])) throw new AppError('config.invalid', `invalid configuration: ${key}: not a valid URL`, { problems: [`${key}: not a valid URL`] });
  }
  if (86_400_000 % cfg.BEACON_INTERVAL_MS !== 0) {
    throw new AppError('config.invalid', 'invalid configuration: BEACON_INTERVAL_MS must divide one day');
  }
  return Object.freeze({ ...cfg, mode: cfg.DATABASE_URL ? 'server' : 'embedded' });
}
