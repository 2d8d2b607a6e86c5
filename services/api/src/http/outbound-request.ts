/**
 * What users give the API to call them with: a URL (webhook endpoints of routes, alert notices)
 * and an Authorization header value. Both are checked when set, as fetch would read them, so a
 * value that can never be sent is refused with a 400 instead of being stored and failing (or
 * throwing) at every later post.
 */
import { Type } from 'typebox';
import { AppError } from '@cov/shared/errors';

/**
 * An Authorization header value: printable ASCII and spaces. fetch refuses CR, LF and NUL, and
 * anything past Latin-1; credentials in the wild are tokens of this alphabet.
 */
export const AuthHeaderValue = Type.String({ minLength: 1, maxLength: 1000, pattern: '^[\\x20-\\x7E]+$' });

/**
 * The URL as fetch will read it; 400 request.invalid naming `field` when it does not parse (an
 * unclosed IPv6 bracket, a port past 65535, a bad percent-escape in the host) or is not http(s).
 */
export function requireHttpUrl(url: string, field: string): URL {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) throw new AppError('request.invalid', `${field} is not a valid http(s) URL`, { field });
  return parsed;
}
