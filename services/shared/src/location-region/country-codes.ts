/**
 * ISO 3166-1 alpha-2 codes and English names for the countries hotspots stand in.
 *
 * The bundled outlines (world-atlas) identify a country by its ISO numeric code; users filter and
 * rank by the two-letter code everyone writes ("DE", "US"), so the numeric code is turned into it
 * with i18n-iso-countries (kept up to date with ISO's changes). Five outlines carry no ISO code
 * at all: Kosovo gets XK, the code CLDR and the EU use for it; the others (Somaliland, N. Cyprus,
 * Siachen Glacier, Australia's Indian Ocean Territories as one outline) and any point outside every
 * outline get ZZ, CLDR's "unknown region", so a located hotspot always has a code to group by.
 */
import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries';

const require = createRequire(import.meta.url);
countries.registerLocale(require('i18n-iso-countries/langs/en.json') as countries.LocaleData);

export const UNKNOWN_COUNTRY = 'ZZ';
const KOSOVO = 'XK';
const NAMES_WITHOUT_ISO: Record<string, string> = { Kosovo: KOSOVO };

/** The alpha-2 code of an outline: its ISO numeric id when it has one, else by name (Kosovo), else ZZ. */
export function countryCodeOf(isoNumeric: string | undefined, outlineName: string): string {
  if (isoNumeric !== undefined) return countries.numericToAlpha2(isoNumeric) ?? UNKNOWN_COUNTRY;
  return NAMES_WITHOUT_ISO[outlineName] ?? UNKNOWN_COUNTRY;
}

/** True for a code a country filter or page may name: an assigned ISO code, XK or ZZ (upper case). */
export function isKnownCountryCode(code: string): boolean {
  return code === UNKNOWN_COUNTRY || code === KOSOVO || (/^[A-Z]{2}$/.test(code) && countries.isValid(code));
}

/** English short name ("Germany"; "Unknown or disputed area" for ZZ). */
export function countryName(code: string): string {
  if (code === UNKNOWN_COUNTRY) return 'Unknown or disputed area';
  return countries.getName(code, 'en', { select: 'official' }) ?? code;
}
