import { describe, expect, it } from 'vitest';
import { ACTIVITY_TYPES } from './activity-page';
import { ACTIVITY_CSV_COLUMNS, activitySchemas, ActivityItem, toActivityCsvRow, toActivityItem } from './activity-views';

const variants = activitySchemas.filter((s) => s !== ActivityItem) as unknown as { $id: string; properties: Record<string, { const?: string }>; required: string[] }[];

describe('activity views', () => {
  it('has one named schema per type, each with every field required', () => {
    expect(variants.map((v) => v.properties.type!.const).sort()).toEqual([...ACTIVITY_TYPES].sort());
    for (const v of variants) expect(v.required.sort()).toEqual(Object.keys(v.properties).sort());
  });

  it('gives every field of every type a CSV column, and no column without a field', () => {
    const fields = new Set(variants.flatMap((v) => Object.keys(v.properties)));
    const columns = ACTIVITY_CSV_COLUMNS.map(([, field]) => field as string);
    expect(new Set(columns)).toEqual(fields);
    expect(columns).toHaveLength(new Set(columns).size);
  });

  it('puts a location assertion in the fields its view names, with the res-8 parent and gain in dBi', () => {
    const item = toActivityItem({
      type: 'location_asserted',
      timeMs: Date.UTC(2026, 10, 20, 12, 0, 0, 7),
      id: '0000000000000000002',
      nonce: 2n,
      locationCell: '8c2a1072b59a5ff',
      gainDbiX10: 35,
      elevationM: 12,
      region: 'US915',
    });
    expect(item).toMatchObject({ type: 'location_asserted', time: '2026-11-20T12:00:00.007Z', nonce: '2', cell: '8c2a1072b59a5ff', cellRes8: '882a1072b5fffff', gainDbi: 3.5, elevationM: 12 });
    const row = toActivityCsvRow(item);
    expect(row[ACTIVITY_CSV_COLUMNS.findIndex(([c]) => c === 'cell_res8')]).toBe('882a1072b5fffff');
    expect(row[ACTIVITY_CSV_COLUMNS.findIndex(([c]) => c === 'beacon_id')]).toBeUndefined();
  });

  it('totals a payment exactly, past 2^53', () => {
    const item = toActivityItem({ type: 'rewarded', timeMs: 86_400_000, id: '0', epoch: 0, beaconAmount: 2n ** 60n, witnessAmount: 1n, dataAmount: 2n });
    expect(item).toMatchObject({ totalAmount: (2n ** 60n + 3n).toString(), beaconAmount: (2n ** 60n).toString() });
  });
});
