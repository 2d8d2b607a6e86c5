import { describe, expect, it } from 'vitest';
import { countryAt, RegionLookup } from './region-lookup';
import { countryCodeOf, countryName, isKnownCountryCode, UNKNOWN_COUNTRY } from './country-codes';

describe('country codes', () => {
  it('turns the outlines\' ISO numeric ids into alpha-2 codes', () => {
    expect(countryCodeOf('840', 'United States of America')).toBe('US');
    expect(countryCodeOf('276', 'Germany')).toBe('DE');
    // Australia's outline and Ashmore and Cartier Is. share 036.
    expect(countryCodeOf('036', 'Ashmore and Cartier Is.')).toBe('AU');
  });

  it('gives Kosovo XK and the other outlines without an ISO id ZZ', () => {
    expect(countryCodeOf(undefined, 'Kosovo')).toBe('XK');
    for (const name of ['Somaliland', 'N. Cyprus', 'Siachen Glacier', 'Indian Ocean Ter.']) expect(countryCodeOf(undefined, name), name).toBe(UNKNOWN_COUNTRY);
  });

  it('knows assigned codes, XK and ZZ, in upper case only', () => {
    for (const code of ['FR', 'US', 'XK', 'ZZ', 'TW']) expect(isKnownCountryCode(code), code).toBe(true);
    for (const code of ['QQ', 'XX', 'fr', 'F', 'FRA', '12', '']) expect(isKnownCountryCode(code), code).toBe(false);
  });

  it('names countries in English', () => {
    expect(countryName('FR')).toBe('France');
    expect(countryName('XK')).toBe('Kosovo');
    expect(countryName('ZZ')).toBe('Unknown or disputed area');
  });

  it("answers the code of a point's country with its region", () => {
    // Paris, Pristina, Hargeisa (Somaliland, an outline without an ISO id), Sydney.
    const lookup = new RegionLookup(7);
    expect(lookup.regionAt(48.8566, 2.3522)?.countryCode).toBe('FR');
    expect(lookup.regionAt(42.6629, 21.1655)?.countryCode).toBe('XK');
    expect(lookup.regionAt(9.56, 44.065)?.countryCode).toBe('ZZ');
    expect(lookup.regionAt(-33.8688, 151.2093)?.countryCode).toBe('AU');
    expect(countryAt(9.56, 44.065)?.name).toBe('Somaliland');
  });
});
