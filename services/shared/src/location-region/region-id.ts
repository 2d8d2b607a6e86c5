/** LoRaWAN regional plans a hotspot can be assigned (Helium's names). */
export const regionIds = ['US915', 'EU868', 'AU915', 'AS923_1', 'AS923_2', 'AS923_3', 'AS923_4', 'CN470', 'IN865', 'KR920', 'RU864'] as const;
export type RegionId = (typeof regionIds)[number];
