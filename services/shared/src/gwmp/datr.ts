/** GWMP `datr` for LoRa: `"SF7BW125"` style identifiers (FSK uses a plain bit-rate number). */

export interface LoraDataRate {
  spreadingFactor: number;
  bandwidthKhz: number;
}

const DATR_RE = /^SF([0-9]{1,2})BW([0-9]{2,4})$/;

/** `"SF7BW125"` → {7, 125}; null when it is not a LoRa identifier with SF5..12. */
export function parseLoraDatr(datr: string): LoraDataRate | null {
  const m = DATR_RE.exec(datr);
  if (!m) return null;
  const spreadingFactor = Number(m[1]);
  const bandwidthKhz = Number(m[2]);
  if (spreadingFactor < 5 || spreadingFactor > 12 || bandwidthKhz <= 0) return null;
  return { spreadingFactor, bandwidthKhz };
}

export function formatLoraDatr(rate: LoraDataRate): string {
  return `SF${rate.spreadingFactor}BW${rate.bandwidthKhz}`;
}
