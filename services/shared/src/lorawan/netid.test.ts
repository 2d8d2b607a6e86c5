import { describe, expect, it } from 'vitest';
import {
  devAddrBelongsToNetId,
  devAddrNwkId,
  devAddrRangeOfNetId,
  devAddrType,
  formatDevAddr,
  netIdLayout,
  netIdNwkId,
  netIdType,
  parseDevAddr,
  parseNetId,
} from './netid';

// The NetID -> DevAddr table of the LoRaWAN Backend Interfaces (via oracles iot_config lora_field.rs
// and chirpstack lrwn devaddr.rs, summarised in /work/shared/reference/lorawan-routing.md §2.5).
const LAYOUTS = [
  { type: 0, nwkIdBits: 6, nwkAddrBits: 25, size: 33_554_432 },
  { type: 1, nwkIdBits: 6, nwkAddrBits: 24, size: 16_777_216 },
  { type: 2, nwkIdBits: 9, nwkAddrBits: 20, size: 1_048_576 },
  { type: 3, nwkIdBits: 11, nwkAddrBits: 17, size: 131_072 },
  { type: 4, nwkIdBits: 12, nwkAddrBits: 15, size: 32_768 },
  { type: 5, nwkIdBits: 13, nwkAddrBits: 13, size: 8_192 },
  { type: 6, nwkIdBits: 15, nwkAddrBits: 10, size: 1_024 },
  { type: 7, nwkIdBits: 17, nwkAddrBits: 7, size: 128 },
];

// Helium NetIDs with their DevAddr ranges (same reference, recomputed there).
const HELIUM = [
  { netId: '00003c', type: 0, start: '78000000', end: '79ffffff' },
  { netId: '60002d', type: 3, start: 'e05a0000', end: 'e05bffff' },
  { netId: 'c00053', type: 6, start: 'fc014c00', end: 'fc014fff' },
  { netId: '000024', type: 0, start: '48000000', end: '49ffffff' },
];

describe('NetID layouts', () => {
  it.each(LAYOUTS)('type $type', ({ type, nwkIdBits, nwkAddrBits, size }) => {
    expect(netIdLayout(type)).toMatchObject({ type, nwkIdBits, nwkAddrBits, prefixBits: type + 1 });
    // NetID with type in the top 3 bits and NwkID 1: the range starts right after NwkID 0's.
    const netId = (type << 21) | 1;
    const range = devAddrRangeOfNetId(netId);
    expect(range.size).toBe(size);
    expect(devAddrType(range.start)).toBe(type);
    expect(devAddrType(range.end)).toBe(type);
    expect(devAddrNwkId(range.start)).toBe(1);
    expect(devAddrNwkId(range.end)).toBe(1);
    expect(devAddrType(range.end + 1)).toBe(type);
    expect(devAddrNwkId(range.end + 1)).toBe(2);
  });
});

describe('Helium NetIDs', () => {
  it.each(HELIUM)('$netId -> $start..$end', ({ netId, type, start, end }) => {
    const id = parseNetId(netId);
    if (id === null) throw new Error('bad NetID');
    expect(netIdType(id)).toBe(type);
    const range = devAddrRangeOfNetId(id);
    expect(formatDevAddr(range.start)).toBe(start);
    expect(formatDevAddr(range.end)).toBe(end);
    expect(devAddrBelongsToNetId(range.start, id)).toBe(true);
    expect(devAddrBelongsToNetId(range.end, id)).toBe(true);
    expect(devAddrBelongsToNetId(range.end + 1, id)).toBe(false);
    expect(devAddrBelongsToNetId(range.start - 1, id)).toBe(false);
    expect(devAddrNwkId(range.start)).toBe(netIdNwkId(id));
  });

  it('reads type and NwkID from a real DevAddr', () => {
    const addr = parseDevAddr('480008d8');
    expect(addr !== null && devAddrType(addr)).toBe(0);
    expect(addr !== null && devAddrNwkId(addr)).toBe(0x24);
  });

  it('an all-ones first byte has no NetID type', () => {
    expect(devAddrType(0xff000000)).toBeNull();
    expect(devAddrNwkId(0xffffffff)).toBeNull();
  });

  it('parsers reject wrong lengths', () => {
    expect(parseDevAddr('1234567')).toBeNull();
    expect(parseNetId('0000003c')).toBeNull();
  });
});
