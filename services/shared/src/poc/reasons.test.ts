/** Reason codes are a stored, user-facing contract: names, order and Helium numbers. */
import { describe, expect, it } from 'vitest';
import { heliumProto } from '../helium/interop';
import {
  BEACON_CHECK_ORDER,
  BEYOND_HELIUM_REASONS,
  HELIUM_INVALID_REASON_CODES,
  RECIPROCITY_REASONS,
  STALE_REASON,
  WITNESS_CHECK_ORDER,
} from './reasons';

const protoEnum = heliumProto.poc_lora.invalid_reason as unknown as Record<string, number>;
/** reference/helium-poc.md §1.5: values newer than the published @helium/proto build (oracles@824f7724). */
const NEWER_HELIUM_CODES: Record<string, number> = {
  denied_edge: 21,
  too_late: 22,
  gateway_no_valid_beacons: 23,
  gateway_no_valid_witnesses: 24,
};

describe('reason codes', () => {
  it('one check per reason: no reason appears twice in a check order', () => {
    expect(new Set(BEACON_CHECK_ORDER).size).toBe(BEACON_CHECK_ORDER.length);
    expect(new Set(WITNESS_CHECK_ORDER).size).toBe(WITNESS_CHECK_ORDER.length);
  });

  it('every reason has an entry in the Helium code table, and nothing else does', () => {
    const all = new Set<string>([...BEACON_CHECK_ORDER, ...WITNESS_CHECK_ORDER, ...RECIPROCITY_REASONS, STALE_REASON]);
    expect(Object.keys(HELIUM_INVALID_REASON_CODES).sort()).toEqual([...all].sort());
  });

  it.each(Object.entries(HELIUM_INVALID_REASON_CODES))('%s has Helium’s name and number', (reason, code) => {
    if ((BEYOND_HELIUM_REASONS as readonly string[]).includes(reason)) {
      expect(code).toBeNull();
      expect(protoEnum[reason]).toBeUndefined();
      return;
    }
    expect(code).toBe(protoEnum[reason] ?? NEWER_HELIUM_CODES[reason]);
    expect(code).not.toBeUndefined();
  });
});
