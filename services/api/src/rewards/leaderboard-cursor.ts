/**
 * The cursor of a leaderboard page (an epoch's paid hotspots best paid first, or an open epoch's
 * best earning so far): the last row's total, a decimal string within the column's bigint, and its
 * address. A cursor of another order (an address alone) or a forged total is refused as malformed.
 */
const INT8_MAX = 9_223_372_036_854_775_807n;

export const isTotalCursor = (v: unknown): v is { t: string; a: string } => {
  const c = v as { t?: unknown; a?: unknown };
  return typeof c?.a === 'string' && typeof c.t === 'string' && /^(0|[1-9][0-9]{0,18})$/.test(c.t) && BigInt(c.t) <= INT8_MAX;
};
