/**
 * Exact non-floating arithmetic for reward math. Helium computes scales, units, pools and per-share
 * rates in rust_decimal (96-bit mantissa, 28 digits) and rounds at fixed points; we compute the
 * exact rational value with bigints and round once at the same points in the same direction, so
 * every published number can be recomputed anywhere without float drift. README.md explains why
 * this gives the same digits as rust_decimal for every input the network can produce.
 */

export interface Rational {
  readonly num: bigint;
  /** Always > 0. */
  readonly den: bigint;
}

export type RoundingMode = 'halfEven' | 'up' | 'down';

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

function gcd(a: bigint, b: bigint): bigint {
  let x = abs(a);
  let y = abs(b);
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rational(num: bigint, den = 1n): Rational {
  if (den === 0n) throw new RangeError('rational: zero denominator');
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den) || 1n;
  return { num: (sign * num) / g, den: (sign * den) / g };
}

export const ZERO: Rational = { num: 0n, den: 1n };
export const ONE: Rational = { num: 1n, den: 1n };

export const add = (a: Rational, b: Rational): Rational => rational(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational): Rational => rational(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Rational, b: Rational): Rational => rational(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational): Rational => rational(a.num * b.den, a.den * b.num);
export const cmp = (a: Rational, b: Rational): number => {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};
export const min = (a: Rational, b: Rational): Rational => (cmp(a, b) <= 0 ? a : b);

export function pow(base: Rational, exponent: number): Rational {
  if (!Number.isSafeInteger(exponent) || exponent < 0) throw new RangeError(`pow: bad exponent ${exponent}`);
  const e = BigInt(exponent);
  return rational(base.num ** e, base.den ** e);
}

/** Integer division of num by den (den > 0) rounded by `mode`; `up` is toward +infinity, `down` toward -infinity. */
export function divRound(num: bigint, den: bigint, mode: RoundingMode): bigint {
  if (den <= 0n) throw new RangeError('divRound: denominator must be positive');
  let q = num / den;
  let r = num % den;
  // Normalise to floor division so the three modes only need to look at a non-negative remainder.
  if (r < 0n) {
    q -= 1n;
    r += den;
  }
  if (r === 0n || mode === 'down') return q;
  if (mode === 'up') return q + 1n;
  const twice = 2n * r;
  if (twice > den || (twice === den && q % 2n !== 0n)) return q + 1n;
  return q;
}

/** `value` rounded to `decimals` places, returned as the integer value × 10^decimals. */
export function toScaled(value: Rational, decimals: number, mode: RoundingMode): bigint {
  return divRound(value.num * 10n ** BigInt(decimals), value.den, mode);
}

export const fromScaled = (scaled: bigint, decimals: number): Rational => rational(scaled, 10n ** BigInt(decimals));

/** Renders an integer count of 10^-decimals as a plain decimal string with exactly `decimals` places. */
export function formatScaled(scaled: bigint, decimals: number): string {
  const negative = scaled < 0n;
  const digits = abs(scaled).toString().padStart(decimals + 1, '0');
  const intPart = digits.slice(0, digits.length - decimals);
  const fracPart = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${intPart}${decimals > 0 ? `.${fracPart}` : ''}`;
}

const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses a plain decimal string ("0.8", "2", "0.00001") exactly; no exponents, no signs other than a leading minus. */
export function parseDecimal(text: string): Rational {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) throw new RangeError(`not a plain decimal: ${JSON.stringify(text)}`);
  const frac = m[3] ?? '';
  const num = BigInt(`${m[2]}${frac}`) * (m[1] ? -1n : 1n);
  return rational(num, 10n ** BigInt(frac.length));
}

/** The exact decimal expansion of a value whose denominator has no prime factors but 2 and 5. */
export function formatExact(value: Rational): string {
  let twos = 0;
  let fives = 0;
  let d = value.den;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  if (d !== 1n) throw new RangeError('formatExact: value has no finite decimal expansion');
  const decimals = Math.max(twos, fives);
  return formatScaled(toScaled(value, decimals, 'down'), decimals);
}
