/**
 * Which LoRaWAN regional plan a country uses, keyed by ISO 3166-1 numeric code (the feature ids of
 * the bundled world-atlas dataset). Assignments follow the LoRa Alliance's regional parameters
 * country list as Helium applied it; countries not listed fall back to EU868, which is what most
 * of Europe, Africa and the Middle East use. Where a country allows two plans the one Helium
 * deployed is chosen.
 */
import type { RegionId } from '../regions/types';

const byPlan: Record<Exclude<RegionId, 'EU868'>, readonly string[]> = {
  // North America and US territories
  US915: ['840', '124', '484', '630', '850', '016', '580'],
  // Oceania and most of South America
  AU915: ['036', '554', '076', '032', '152', '170', '604', '858', '600', '218', '862', '068', '188', '591', '558', '340', '222', '320', '214', '332', '192', '242', '598', '090', '548'],
  CN470: ['156'],
  IN865: ['356'],
  KR920: ['410'],
  RU864: ['643'],
  AS923_1: ['392', '702', '158', '764', '458', '344', '096', '116', '418', '104', '144', '446', '524', '064', '050', '496', '316', '583', '585', '584', '296', '882', '776', '520', '798'],
  AS923_2: ['360', '704'],
  AS923_3: ['608'],
  AS923_4: ['376'],
};

const planByCountry = new Map<string, RegionId>();
for (const [plan, countries] of Object.entries(byPlan)) for (const c of countries) planByCountry.set(c, plan as RegionId);

/** Region of a country feature; unnamed disputed areas (no ISO id) follow their surroundings: EU868. */
export function regionForCountry(isoNumeric: string | undefined): RegionId {
  return (isoNumeric && planByCountry.get(isoNumeric)) || 'EU868';
}
