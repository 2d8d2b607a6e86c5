/**
 * The order of a hotspot's activity feed and its pages, without IO. Events come from several tables
 * (activity-repository.ts); each is placed by its key (time in ms, the rank of its type, an id
 * within the type), newest first. Keys are unique and totally ordered, so a page that ends in the
 * middle of a millisecond shared by several events resumes exactly after the last one it gave.
 */
import { AppError } from '@cov/shared/errors';

/**
 * In the order things happen to a hotspot: at one instant an epoch's flags come before its payment,
 * and a payment after everything else, so newest first a feed reads as the consequence above its cause.
 * A type added later goes last whatever its place in that story: the order is each type's rank, and
 * ranks are in the cursors clients hold (`witness_stale`: a witness report no beacon claimed before
 * it aged out, placed at the report's time like a judged one).
 */
export const ACTIVITY_TYPES = ['onboarded', 'location_asserted', 'transferred', 'beacon', 'witness', 'flagged', 'rewarded', 'witness_stale'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const TYPE_RANK: Readonly<Record<ActivityType, number>> = Object.fromEntries(ACTIVITY_TYPES.map((t, i) => [t, i])) as Record<ActivityType, number>;

export interface ActivityKey {
  timeMs: number;
  rank: number;
  /** Unique within the type at one instant; compared as PostgreSQL's "C" collation does. */
  id: string;
}

/**
 * Byte order of the UTF-8 text, which is what `collate "C"` compares in SQL. JavaScript's `<`
 * compares UTF-16 code units, which differs for characters past U+FFFF, and a page boundary drawn
 * by one order and resumed by the other would skip or repeat events.
 */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Negative when `a` comes first in the feed (newer, or at one instant the greater rank, then id). */
export function compareNewestFirst(a: ActivityKey, b: ActivityKey): number {
  return b.timeMs - a.timeMs || b.rank - a.rank || compareIds(b.id, a.id);
}

/**
 * What one source must return to continue after `cursor`: events of rank `rank` whose key is below
 * the cursor's. The rank is fixed per source, so the comparison of keys becomes one on time alone
 * (ranks differ) or on (time, id) (the cursor's own type).
 */
export type SourceAfter = { op: 'time_at_most'; timeMs: number } | { op: 'time_before'; timeMs: number } | { op: 'time_then_id_before'; timeMs: number; id: string };

export function sourceAfter(cursor: ActivityKey | undefined, rank: number): SourceAfter | undefined {
  if (cursor === undefined) return undefined;
  if (rank < cursor.rank) return { op: 'time_at_most', timeMs: cursor.timeMs };
  if (rank > cursor.rank) return { op: 'time_before', timeMs: cursor.timeMs };
  return { op: 'time_then_id_before', timeMs: cursor.timeMs, id: cursor.id };
}

/**
 * One page out of the sources' answers. Each source gave at most `limit + 1` events after the
 * cursor in its own order, so the first `limit` of their merge are the page's, and there is a next
 * page exactly when more than `limit` came back in all.
 */
export function mergePage<T extends { key: ActivityKey }>(sources: readonly (readonly T[])[], limit: number): { items: T[]; next: ActivityKey | null } {
  const all = sources.flat().sort((a, b) => compareNewestFirst(a.key, b.key));
  const items = all.slice(0, limit);
  const last = items.at(-1);
  return { items, next: all.length > limit && last ? last.key : null };
}

/** The cursor's content: the last key of the page it follows. */
export const cursorOf = (key: ActivityKey) => ({ t: key.timeMs, r: key.rank, i: key.id });

export function isActivityCursor(v: unknown): v is { t: number; r: number; i: string } {
  const c = v as { t?: unknown; r?: unknown; i?: unknown };
  return Number.isSafeInteger(c?.t) && Number.isInteger(c?.r) && (c.r as number) >= 0 && (c.r as number) < ACTIVITY_TYPES.length && typeof c?.i === 'string';
}

/**
 * `types=beacon,witness`: the types asked for, in feed order, without repeats; all of them when the
 * parameter is absent or empty. An unknown name is a 400 naming the field and the known names, not
 * an empty feed that looks like a quiet hotspot.
 */
export function parseTypes(text: string | undefined): ActivityType[] {
  const asked = (text ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (asked.length === 0) return [...ACTIVITY_TYPES];
  const unknown = asked.filter((t) => !(ACTIVITY_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw new AppError('request.invalid', `types: unknown type ${unknown.map((t) => JSON.stringify(t)).join(', ')}; known: ${ACTIVITY_TYPES.join(', ')}`, {
      field: 'types',
      unknown,
      known: ACTIVITY_TYPES,
    });
  }
  return ACTIVITY_TYPES.filter((t) => asked.includes(t));
}
