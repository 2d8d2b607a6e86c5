/** A country named in a request (a path segment or the hotspot list's filter): its schema and its check. */
import { Type } from 'typebox';
import { AppError } from '@cov/shared/errors';
import { isKnownCountryCode } from '@cov/shared/location-region/country-codes';

export const countryCodeParam = (description: string) => Type.String({ pattern: '^[A-Za-z]{2}$', description: `${description} ISO 3166-1 alpha-2, any case (XK: Kosovo; ZZ: areas without an ISO code).` });

/**
 * The upper-case code of a known country, else a 404 `countries.unknown_code` naming it: two letters
 * that are no country are a typo worth saying so, not an empty list (a malformed code is the
 * schema's 400).
 */
export function requireCountryCode(code: string): string {
  const upper = code.toUpperCase();
  if (!isKnownCountryCode(upper)) throw new AppError('countries.unknown_code', `${code} is not an ISO 3166-1 alpha-2 country code`, { code });
  return upper;
}
