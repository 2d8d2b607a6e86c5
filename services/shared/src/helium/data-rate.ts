/**
 * Helium's `data_rate` enum (helium/proto src/data_rate.proto). Reports carry the numeric value on
 * the wire; our typed reports and JSON use the enum name so logs, verdicts and the API read as
 * "SF9BW125" rather than 3. The list is in enum order: index = wire value (a test pins it to
 * @helium/proto).
 */
export const DATA_RATE_NAMES = [
  'SF12BW125',
  'SF11BW125',
  'SF10BW125',
  'SF9BW125',
  'SF8BW125',
  'SF7BW125',
  'SF12BW250',
  'SF11BW250',
  'SF10BW250',
  'SF9BW250',
  'SF8BW250',
  'SF7BW250',
  'SF12BW500',
  'SF11BW500',
  'SF10BW500',
  'SF9BW500',
  'SF8BW500',
  'SF7BW500',
  'LRFHSS1BW137',
  'LRFHSS2BW137',
  'LRFHSS1BW336',
  'LRFHSS2BW336',
  'LRFHSS1BW1523',
  'LRFHSS2BW1523',
  'FSK50',
] as const;

export type DataRateName = (typeof DATA_RATE_NAMES)[number];

const VALUE_BY_NAME = new Map<string, number>(DATA_RATE_NAMES.map((name, value) => [name, value]));

export function isDataRateName(name: unknown): name is DataRateName {
  return typeof name === 'string' && VALUE_BY_NAME.has(name);
}

/** Enum value → name; undefined for values this version of the enum does not define. */
export function dataRateName(value: number): DataRateName | undefined {
  return Number.isInteger(value) ? DATA_RATE_NAMES[value] : undefined;
}

export function dataRateValue(name: DataRateName): number {
  return VALUE_BY_NAME.get(name) as number;
}
