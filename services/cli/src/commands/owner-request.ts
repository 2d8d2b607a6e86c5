/**
 * `owner-request <kind> --key F ...` builds an owner's signed API request, the way a wallet would:
 * the same canonical bytes the API verifies (`@cov/shared/registry`), signed with the key file's
 * ed25519 key. Prints `{method, path, body}`; with `--send BASE_URL` sends it and prints the answer
 * (exit 0 on 2xx, 1 when refused or unreachable).
 *
 * Kinds: `assert-location` (--hotspot --lat --lng --gain-dbi-x10 --elevation-m), `transfer`
 * (--hotspot --new-owner), `alerts-set` (--url [--auth-header] [--epoch-rewards]), `alerts-remove`. `--timestamp-ms`
 * defaults to now; `--nonce` defaults to the timestamp, which beats every earlier nonce a clock
 * gave without looking the last one up (the API only asks for a greater one).
 */
import { sign, type Keypair } from '@cov/shared/helium/keys';
import { hotspotTransferBytes } from '@cov/shared/registry/hotspot-transfer';
import { locationAssertionBytes } from '@cov/shared/registry/location-assertion';
import { ownerAlertsRemoveBytes, ownerAlertsSetBytes } from '@cov/shared/registry/owner-alert-request';
import { integerOption, parseOptions, requiredOption, UsageError, type CliCommand, type CliIo } from '../command';
import { readOwnerKey } from '../owner-key-file';

const KINDS = ['assert-location', 'transfer', 'alerts-set', 'alerts-remove'] as const;
type Kind = (typeof KINDS)[number];

const USAGE = `npm run cli -- owner-request <${KINDS.join('|')}> --key <key file> [--nonce N] [--timestamp-ms T] [--send BASE_URL]
    assert-location: --hotspot A --lat D --lng D --gain-dbi-x10 N --elevation-m N
    transfer:        --hotspot A --new-owner A
    alerts-set:      --url U [--auth-header H] [--epoch-rewards]
    alerts-remove:   (nothing more)`;

export interface OwnerRequest {
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  body: Record<string, unknown>;
}

type Values = Record<string, string | undefined>;

function decimalOption(value: string | undefined, name: string): number {
  const text = requiredOption(value, name);
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${text}"`);
  return n;
}

const requiredInteger = (value: string | undefined, name: string): number => integerOption(requiredOption(value, name), name)!;
const signed = (bytes: Uint8Array, key: Keypair) => Buffer.from(sign(bytes, key.secretKey)).toString('base64');

/** The request of one kind, signed; pure apart from the key. */
export function buildOwnerRequest(kind: Kind, v: Values, key: Keypair, nowMs: number): OwnerRequest {
  const timestampMs = integerOption(v['timestamp-ms'], 'timestamp-ms', { min: 0 }) ?? nowMs;
  const nonce = integerOption(v.nonce, 'nonce', { min: 1, max: Number.MAX_SAFE_INTEGER }) ?? timestampMs;
  const owner = key.address;
  switch (kind) {
    case 'assert-location': {
      const hotspot = requiredOption(v.hotspot, 'hotspot');
      const fields = { hotspot, owner, lat: decimalOption(v.lat, 'lat'), lng: decimalOption(v.lng, 'lng'), gainDbiX10: requiredInteger(v['gain-dbi-x10'], 'gain-dbi-x10'), elevationM: requiredInteger(v['elevation-m'], 'elevation-m'), nonce, timestampMs };
      const { hotspot: _h, ...body } = fields;
      return { method: 'POST', path: `/v1/hotspots/${encodeURIComponent(hotspot)}/location`, body: { ...body, signature: signed(locationAssertionBytes(fields), key) } };
    }
    case 'transfer': {
      const hotspot = requiredOption(v.hotspot, 'hotspot');
      const fields = { hotspot, owner, newOwner: requiredOption(v['new-owner'], 'new-owner'), nonce, timestampMs };
      const { hotspot: _h, ...body } = fields;
      return { method: 'POST', path: `/v1/hotspots/${encodeURIComponent(hotspot)}/transfer`, body: { ...body, signature: signed(hotspotTransferBytes(fields), key) } };
    }
    case 'alerts-set': {
      // --epoch-rewards opts in; without it the field is neither signed nor sent (the bytes of before it existed).
      const fields = { owner, url: requiredOption(v.url, 'url'), authHeader: v['auth-header'] ?? null, ...(v['epoch-rewards'] ? { epochRewards: true } : {}), nonce, timestampMs };
      const { owner: _o, authHeader, ...rest } = fields;
      // The API takes no authHeader for none; null is what was signed then.
      const body = { ...rest, ...(authHeader === null ? {} : { authHeader }), signature: signed(ownerAlertsSetBytes(fields), key) };
      return { method: 'PUT', path: `/v1/owners/${encodeURIComponent(owner)}/alerts`, body };
    }
    case 'alerts-remove': {
      const fields = { owner, nonce, timestampMs };
      return { method: 'DELETE', path: `/v1/owners/${encodeURIComponent(owner)}/alerts`, body: { nonce, timestampMs, signature: signed(ownerAlertsRemoveBytes(fields), key) } };
    }
  }
}

async function send(base: string, request: OwnerRequest, io: CliIo): Promise<number> {
  let url: URL;
  try {
    url = new URL(request.path, base);
  } catch {
    throw new UsageError(`--send must be the API's base URL, such as http://127.0.0.1:3000, got "${base}"`);
  }
  let res: Response;
  try {
    res = await fetch(url, { method: request.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.body) });
  } catch (e) {
    io.stderr(`cannot reach ${url.origin}: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}\n`);
    return 1;
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    // not JSON: shown as text
  }
  io.stdout(`${JSON.stringify({ status: res.status, body }, null, 2)}\n`);
  return res.ok ? 0 : 1;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const options = {
    key: { type: 'string' },
    nonce: { type: 'string' },
    'timestamp-ms': { type: 'string' },
    send: { type: 'string' },
    hotspot: { type: 'string' },
    lat: { type: 'string' },
    lng: { type: 'string' },
    'gain-dbi-x10': { type: 'string' },
    'elevation-m': { type: 'string' },
    'new-owner': { type: 'string' },
    url: { type: 'string' },
    'auth-header': { type: 'string' },
    'epoch-rewards': { type: 'boolean' },
  } as const;
  const { values, positionals } = parseOptions(argv, options, true);
  const [kind, ...extra] = positionals;
  if (!kind || extra.length > 0 || !(KINDS as readonly string[]).includes(kind)) throw new UsageError(`give one kind: ${KINDS.join(', ')}`);
  const key = readOwnerKey(requiredOption(values.key, 'key'));
  if (!key.ok) {
    io.stderr(`${key.message}\n`);
    return 2;
  }
  const request = buildOwnerRequest(kind as Kind, { ...values, 'epoch-rewards': values['epoch-rewards'] ? 'true' : undefined }, key.keypair, Date.now());
  if (values.send === undefined) {
    io.stdout(`${JSON.stringify(request, null, 2)}\n`);
    return 0;
  }
  return send(values.send, request, io);
}

export const command: CliCommand = {
  name: 'owner-request',
  summary: "build (and with --send, send) an owner's signed request: assert location, transfer, alerts",
  usage: USAGE,
  run,
};
