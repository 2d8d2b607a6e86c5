/**
 * Request values no route schema can express, checked for every route:
 *
 * - Text PostgreSQL cannot store: a NUL character (text columns refuse it) or a lone UTF-16
 *   surrogate (it has no UTF-8 form: text would silently become U+FFFD, jsonb refuses it). Either
 *   would otherwise fail deep in a query as a 500, or change what was sent.
 * - Numbers that are not finite after schema validation. JSON has no Infinity, but Ajv's type
 *   coercion turns the strings "Infinity" or "1e400" into Infinity for an integer or number field
 *   and then skips minimum/maximum (its range checks only run on finite numbers), and JSON.parse
 *   reads a literal 1e400 as Infinity where a schema does not type the value (Type.Unknown).
 *
 * Each finder returns the path of the first offending value (`body/name`), or undefined.
 */

type Path = string;

/**
 * The keys leading to the first value `bad` flags, or undefined. The path is built only for a
 * finding, on the way back up: this runs on every request (ingest batches included), and almost
 * every request has nothing to find.
 */
function walk(value: unknown, bad: (v: unknown) => boolean, depth = 0): (string | number)[] | undefined {
  if (bad(value)) return [];
  // Parsed JSON nests as deep as the body limit allows; past this depth nothing is ours to store.
  if (depth > 64 || value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], bad, depth + 1);
      if (found !== undefined) return [i, ...found];
    }
    return undefined;
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (bad(key)) return [key];
    const found = walk((value as Record<string, unknown>)[key], bad, depth + 1);
    if (found !== undefined) return [key, ...found];
  }
  return undefined;
}

const found = (path: Path, keys: (string | number)[] | undefined): Path | undefined => (keys === undefined ? undefined : [path, ...keys].join('/'));

/** A NUL, or a high surrogate not followed by a low one, or a low one not preceded by a high one. */
const NUL_OR_LONE_SURROGATE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unstorableText = (v: unknown): boolean => typeof v === 'string' && NUL_OR_LONE_SURROGATE.test(v);
const nonFiniteNumber = (v: unknown): boolean => typeof v === 'number' && !Number.isFinite(v);

/** Where `value` holds a string (or object key) with a NUL or a lone surrogate. */
export function findUnstorableText(value: unknown, path: Path): Path | undefined {
  return found(path, walk(value, unstorableText));
}

/** Where `value` holds NaN or an infinity. */
export function findNonFiniteNumber(value: unknown, path: Path): Path | undefined {
  return found(path, walk(value, nonFiniteNumber));
}

/**
 * Where the raw query string holds a percent-escape that does not decode to UTF-8 (`%FF`, `%E0%A4%A`,
 * the CESU form of a lone surrogate `%ED%A0%80`), as `querystring/<name>`. Fastify's query parser
 * keeps such a value as its raw text, so `?note=%FF` was taken and stored as the three characters
 * "%FF", not what the client meant; an undecodable path is refused by Fastify itself.
 */
export function findUndecodableQuery(url: string): Path | undefined {
  const start = url.indexOf('?');
  // Only a percent-escape can fail to decode; most queries hold none, and then are not split at all
  // (splitting cost about 0.6 us a request, on every route).
  if (start < 0 || url.indexOf('%', start) < 0) return undefined;
  for (const pair of url.slice(start + 1).split('&')) {
    const eq = pair.indexOf('=');
    const [key, value] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const decodedKey = decodeQueryComponent(key);
    if (decodedKey === undefined || decodeQueryComponent(value) === undefined) return `querystring/${decodedKey ?? key}`;
  }
  return undefined;
}

function decodeQueryComponent(text: string): string | undefined {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
