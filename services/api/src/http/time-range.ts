/**
 * Time bounds of history queries (`min_time`, `max_time`), as owners' tools already speak them
 * (the blockchain-http convention): ISO 8601 instants, or relative forms such as `-7 day`,
 * `-24 hour`, `-30 minute` and `now`, all in UTC. Every history query is bounded: a missing
 * min_time defaults to a window before max_time, and a span above the maximum is refused rather
 * than silently scanned (unbounded activity scans were Helium's API's worst outage source).
 */
import { AppError } from '@cov/shared/errors';

const UNIT_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/** Only full ISO 8601 forms with a date; Date.parse accepts too much otherwise. */
const ABSOLUTE_FORM = /^\d{4}-\d{2}-\d{2}([t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Whether a time parameter names an instant (ISO 8601) rather than a time relative to now (`-7 day`,
 * `now`): only a range given by instants means the same thing whenever it is asked, so only such an
 * answer may be cached as final.
 */
export function isAbsoluteTimeParam(value: string | undefined): boolean {
  return value !== undefined && (instantsMs.has(value) || ABSOLUTE_FORM.test(withOffsetSign(value).toLowerCase()));
}

/**
 * A query string decodes `+` as a space, so `2026-11-01T06:30:00+02:00` typed into a URL arrives as
 * `2026-11-01T06:30:00 02:00`. A space between a time and hh:mm can mean nothing else, so it is read
 * back as the `+` it was (a `-` offset arrives intact).
 */
function withOffsetSign(value: string): string {
  return value.trim().replace(/(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$/, '$1+$2');
}

/**
 * Whether a query's range means the same instants whenever it is asked: max_time an instant, and
 * min_time an instant or absent (then a fixed span before max_time). Only then may an answer over it
 * be cached as final.
 */
export function isFixedTimeRange(query: { min_time?: string; max_time?: string }): boolean {
  return isAbsoluteTimeParam(query.max_time) && (query.min_time === undefined || query.min_time === '' || isAbsoluteTimeParam(query.min_time));
}

/** The instants a Date can hold (±10^8 days around 1970): past them, times are refused, not sent to SQL. */
const MAX_TIME_MS = 8.64e15;

/** Whether an ISO date's day exists in its month (Date.parse takes 2026-02-30 as March 2nd). */
function isRealDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * An ISO 8601 date or date-time to epoch ms, or undefined when the text is not one or names a day
 * that does not exist. A date or date-time without an offset is UTC, not the server's local time.
 */
function parseInstantMs(value: string): number | undefined {
  const instant = withOffsetSign(value);
  const text = instant.toLowerCase();
  if (!ABSOLUTE_FORM.test(text) || !isRealDate(text)) return undefined;
  const hasOffset = /(z|[+-]\d{2}:?\d{2})$/.test(text) && text.length > 10;
  const ms = Date.parse(hasOffset ? instant.replace(' ', 'T') : `${instant.replace(' ', 'T')}${text.length > 10 ? 'Z' : 'T00:00:00Z'}`);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Instants already parsed, by their text. Parsing one (four regular expressions, a Date for the
 * day check, Date.parse) took 2-3 us, twice per request, and was most of what a cached answer
 * (rewards of past epochs) cost beyond the framework; owners' apps ask for the same few ranges
 * again and again, so a repeat is a map lookup. An instant's value does not depend on now, so a
 * remembered one is always right. Bounded in entries, and texts longer than any usual ISO form
 * (fractions of a second may run on) are not kept, so odd queries cannot grow it without limit.
 */
const INSTANTS_MEMO_MAX_ENTRIES = 1024;
const INSTANTS_MEMO_MAX_KEY_CHARS = 40;
const instantsMs = new Map<string, number>();

/** parseInstantMs, remembered for texts that are instants. */
function instantMs(value: string): number | undefined {
  let ms = instantsMs.get(value);
  if (ms === undefined) {
    ms = parseInstantMs(value);
    if (ms !== undefined && value.length <= INSTANTS_MEMO_MAX_KEY_CHARS) {
      if (instantsMs.size >= INSTANTS_MEMO_MAX_ENTRIES) instantsMs.clear();
      instantsMs.set(value, ms);
    }
  }
  return ms;
}

/** One time parameter to epoch ms, relative to `nowMs`; undefined stays undefined. */
export function parseTimeParam(value: string | undefined, nowMs: number, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const absoluteMs = instantMs(value);
  if (absoluteMs !== undefined) return absoluteMs;
  const text = withOffsetSign(value).toLowerCase();
  if (text === 'now') return nowMs;
  const relative = /^([+-]?\d+)\s*(second|minute|hour|day|week)s?$/.exec(text);
  if (relative) {
    const ms = nowMs + Number(relative[1]) * UNIT_MS[relative[2]!]!;
    if (Math.abs(ms) <= MAX_TIME_MS) return ms;
  }
  throw new AppError('request.invalid', `${field}: expected ISO 8601 (e.g. 2026-11-01T00:00:00Z), a relative time (e.g. -7 day) or now`, { field });
}

export interface TimeRange {
  minMs: number;
  maxMs: number;
}

export interface TimeRangeLimits {
  defaultSpanMs: number;
  maxSpanMs: number;
}

export function parseTimeRange(query: { min_time?: string; max_time?: string }, nowMs: number, limits: TimeRangeLimits): TimeRange {
  const maxMs = parseTimeParam(query.max_time, nowMs, 'max_time') ?? nowMs;
  const minMs = parseTimeParam(query.min_time, nowMs, 'min_time') ?? maxMs - limits.defaultSpanMs;
  if (minMs >= maxMs) throw new AppError('request.invalid', 'min_time must be before max_time', { field: 'min_time' });
  if (maxMs - minMs > limits.maxSpanMs) {
    throw new AppError('request.invalid', `time range is ${Math.round((maxMs - minMs) / 86_400_000)} days; at most ${limits.maxSpanMs / 86_400_000} days per query`, {
      field: 'min_time',
      maxSpanMs: limits.maxSpanMs,
    });
  }
  return { minMs, maxMs };
}

/**
 * The epochs that start in [minMs, maxMs): how every per-epoch view (earnings, network history,
 * fraud flags) selects epochs from a time range, so one range names the same epochs in each.
 */
export function epochsStartingIn(range: TimeRange, epochLengthMs: number): { fromEpoch: number; toEpoch: number } {
  return { fromEpoch: Math.ceil(range.minMs / epochLengthMs), toEpoch: Math.ceil(range.maxMs / epochLengthMs) - 1 };
}
