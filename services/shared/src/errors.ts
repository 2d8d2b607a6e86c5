/**
 * Coded errors. Every failure a client can cause has a stable, dotted code (`hotspots.not_found`,
 * `auth.bad_signature`, ...) that clients can switch on; the message is for people and may change.
 * The HTTP status lives next to the code so there is exactly one mapping for the whole product
 * (see http/error-handler.ts); non-HTTP transports (WebSocket close codes, CLI exit codes, UDP drop
 * counters) use the code itself.
 */

export const errorCatalog = {
  // generic request problems
  'request.invalid': 400,
  'request.too_large': 413,
  'request.unsupported_media_type': 415,
  'request.rate_limited': 429,
  'request.not_found': 404,
  'internal.error': 500,
  'service.unavailable': 503,
  // a server-mode process started on a database `npm run db:migrate` has not brought up to date
  'database.not_migrated': 503,
  // a setting (environment variable) or a file one names is missing or wrong: the process stops at start
  'config.invalid': 500,
  // authentication / signatures
  'auth.missing_key': 401,
  'auth.bad_key': 401,
  'auth.bad_signature': 401,
  'auth.forbidden': 403,
  'auth.replayed_nonce': 409,
  'auth.stale_request': 400,
  'auth.session_key_expired': 401,
  // report intake
  'ingest.wrong_hotspot': 400,
  // keys and addresses
  'keys.invalid_address': 400,
  'keys.unsupported_key_type': 400,
  // geography
  'geo.out_of_range': 400,
  'geo.no_region': 422,
  'geo.invalid_h3': 400,
  'geo.bbox_too_large': 400,
  'geo.invalid_polygon': 400,
  'countries.unknown_code': 404,
  'geo.polygon_too_large': 400,
  // registry
  'makers.not_found': 404,
  'makers.already_exists': 409,
  'makers.api_key_not_found': 404,
  'hotspots.not_found': 404,
  'hotspots.already_onboarded': 409,
  'hotspots.not_owner': 403,
  'hotspots.data_only': 409,
  'hotspots.same_owner': 422,
  'owners.no_hotspots': 404,
  'owner_alerts.not_set': 404,
  // denylist (admin)
  'denylist.entry_not_found': 404,
  'denylist.already_listed': 409,
  // device makers and packet routing
  'orgs.not_found': 404,
  'orgs.already_exists': 409,
  'orgs.api_key_not_found': 404,
  'routes.not_found': 404,
  // the route existed and was deleted: its history stays readable, nothing can change it
  'routes.deleted': 410,
  'packets.not_found': 404,
  'routes.locked': 409,
  'routes.invalid_range': 400,
  'routes.devaddr_outside_blocks': 422,
  'devaddr.invalid_count': 400,
  'devaddr.exhausted': 409,
  'downlinks.unknown_uplink': 404,
  'downlinks.too_late': 409,
  'downlinks.no_gateway': 409,
  'downlinks.already_scheduled': 409,
  'downlinks.invalid_payload': 400,
  'dc.idempotency_key_reused': 422,
  'dc.correction_exceeds_balance': 422,
  'balance_alert.not_set': 404,
  'webhook_secret.not_set': 404,
  'alerts.private_url': 400,
  // protocol decoding (also used as drop reasons where there is no HTTP answer)
  'lorawan.malformed': 400,
  'lorawan.bad_mic': 400,
  'gwmp.malformed': 400,
  'proto.malformed': 400,
  // rewards
  'rewards.epoch_not_found': 404,
  'rewards.parameter_set_not_found': 404,
  'rewards.not_in_manifest': 404,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof errorCatalog;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  /** Structured facts about the failure (field names, expected vs observed). Safe to show clients. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.httpStatus = errorCatalog[code];
    this.details = details;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/**
 * Result type for pure decoders and rules that must never throw on bad input (LoRaWAN frames,
 * GWMP datagrams, protobuf reports): the caller decides whether a failure is an HTTP 4xx, a
 * WebSocket close or a counted drop.
 */
export type Result<T, E = AppError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
