/**
 * What the simulated device makers remember between runs, as a real device maker keeps its
 * organisation id, API key and route id: one entry per organisation index of the world. A run
 * that finds an entry reuses that organisation (and points its route at this run's network
 * server) instead of creating another one, so a restarted quickstart neither piles up
 * organisations nor leaves routes pointing at a port that closed with the previous run.
 *
 * The file holds API keys: it is written with mode 0600, atomically (a temporary file renamed over
 * it), so a run stopped halfway never leaves half a file.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const DEVICE_MAKER_STATE_VERSION = 1;

export interface RememberedOrg {
  /** The organisation index in the world (SimDevice.org). */
  index: number;
  name: string;
  orgId: string;
  apiKey: string;
  routeId: string;
  /** The organisation's webhook signing secret, shown once when made: kept to check its messages. */
  webhookSecret?: string;
}

export interface DeviceMakerState {
  version: typeof DEVICE_MAKER_STATE_VERSION;
  orgs: RememberedOrg[];
}

export const emptyDeviceMakerState = (): DeviceMakerState => ({ version: DEVICE_MAKER_STATE_VERSION, orgs: [] });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isRememberedOrg(v: unknown): v is RememberedOrg {
  const o = v as Partial<Record<keyof RememberedOrg, unknown>> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    Number.isInteger(o.index) &&
    (o.index as number) >= 0 &&
    typeof o.name === 'string' &&
    typeof o.orgId === 'string' &&
    UUID.test(o.orgId) &&
    typeof o.apiKey === 'string' &&
    o.apiKey.length > 0 &&
    typeof o.routeId === 'string' &&
    UUID.test(o.routeId) &&
    (o.webhookSecret === undefined || (typeof o.webhookSecret === 'string' && o.webhookSecret.length > 0))
  );
}

/**
 * The state a file's text describes. Anything unreadable (not JSON, another version) is `problem`
 * and an empty state: the run then creates organisations as a first run would. Malformed entries
 * are dropped one by one; of two entries for one index the first wins.
 */
export function parseDeviceMakerState(text: string): { state: DeviceMakerState; problem: string | null } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { state: emptyDeviceMakerState(), problem: 'not JSON' };
  }
  const r = raw as { version?: unknown; orgs?: unknown } | null;
  if (typeof r !== 'object' || r === null || r.version !== DEVICE_MAKER_STATE_VERSION || !Array.isArray(r.orgs)) {
    return { state: emptyDeviceMakerState(), problem: `not a version ${DEVICE_MAKER_STATE_VERSION} device-maker state` };
  }
  const byIndex = new Map<number, RememberedOrg>();
  let dropped = 0;
  for (const entry of r.orgs) {
    if (!isRememberedOrg(entry) || byIndex.has(entry.index)) dropped++;
    else
      byIndex.set(entry.index, {
        index: entry.index,
        name: entry.name,
        orgId: entry.orgId,
        apiKey: entry.apiKey,
        routeId: entry.routeId,
        ...(entry.webhookSecret === undefined ? {} : { webhookSecret: entry.webhookSecret }),
      });
  }
  const orgs = [...byIndex.values()].sort((a, b) => a.index - b.index);
  return { state: { version: DEVICE_MAKER_STATE_VERSION, orgs }, problem: dropped > 0 ? `${dropped} malformed entr${dropped === 1 ? 'y' : 'ies'} ignored` : null };
}

/** The state with `org` remembered for its index (replacing what was there). */
export function rememberOrg(state: DeviceMakerState, org: RememberedOrg): DeviceMakerState {
  const orgs = [...state.orgs.filter((o) => o.index !== org.index), org].sort((a, b) => a.index - b.index);
  return { version: DEVICE_MAKER_STATE_VERSION, orgs };
}

/** A missing file is a first run (empty state); any other read error is thrown. */
export function readDeviceMakerState(path: string): { state: DeviceMakerState; problem: string | null } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyDeviceMakerState(), problem: null };
    throw e;
  }
  return parseDeviceMakerState(text);
}

/** Writes the state atomically with mode 0600 (its folder 0700 when created). */
export function writeDeviceMakerState(path: string, state: DeviceMakerState): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFileSync applies only when it creates the file, and the umask can narrow it.
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/**
 * Below this balance a remembered organisation is topped up (DC): a fifth of what a new one gets,
 * days of quickstart traffic, so a restart tops up seldom and never while plenty is left.
 */
export const dcTopUpBelow = (fullDc: number) => Math.floor(fullDc / 5);

/** DC to credit a remembered organisation so it holds `fullDc` again; 0 while its balance is not low. */
export function dcTopUpAmount(balanceDc: number, fullDc: number): number {
  return balanceDc < dcTopUpBelow(fullDc) ? fullDc - Math.max(0, balanceDc) : 0;
}

/**
 * The Idempotency-Key of a top-up: the organisation and the newest ledger entry it was decided on.
 * A retry of the same top-up (the answer lost, or the run stopped before it came) repeats the key,
 * so the backend credits once; a later top-up sees a newer ledger entry (at least this credit) and
 * gets a new key.
 */
export function topUpIdempotencyKey(orgId: string, newestLedgerEntryId: number | null): string {
  return `firmware-sim-top-up-${orgId}-${newestLedgerEntryId ?? 'none'}`;
}
