import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { inputDigest, type DigestInput } from './input-digest';

const base: DigestInput = {
  epoch: 7,
  startMs: 700,
  endMs: 800,
  parameterSetHash: 'ff',
  interactive: [
    { address: 'b', cell: '8c1' },
    { address: 'a', cell: '8c2' },
  ],
  rows: [
    { address: 'b', beacons: 1, beaconSharesE8: 5n, witnesses: 0, witnessSharesE8: 0n, dataDc: 0n },
    { address: 'a', beacons: 0, beaconSharesE8: 0n, witnesses: 3, witnessSharesE8: 12n, dataDc: 4n },
  ],
  flags: [{ address: 'a', kinds: ['z', 'y'], action: 'exclude' }],
};

describe('inputDigest', () => {
  it('is sha256 over the documented lines, sorted by address', () => {
    const lines = [
      '["epoch",7,700,800,"ff"]',
      '["interactive","a","8c2"]',
      '["interactive","b","8c1"]',
      '["hotspot","a",0,"0",3,"12","4"]',
      '["hotspot","b",1,"5",0,"0","0"]',
      '["flag","a","y","z"]',
    ];
    expect(inputDigest(base)).toBe(bytesToHex(sha256(new TextEncoder().encode(lines.map((l) => `${l}\n`).join('')))));
  });

  it('adds a proofCell line per extra density cell after the interactive lines, and none without them', () => {
    const lines = [
      '["epoch",7,700,800,"ff"]',
      '["interactive","a","8c2"]',
      '["interactive","b","8c1"]',
      '["proofCell","b","8c9"]',
      '["hotspot","a",0,"0",3,"12","4"]',
      '["hotspot","b",1,"5",0,"0","0"]',
      '["flag","a","y","z"]',
    ];
    expect(inputDigest({ ...base, proofCells: [{ address: 'b', cell: '8c9' }] })).toBe(bytesToHex(sha256(new TextEncoder().encode(lines.map((l) => `${l}\n`).join('')))));
    expect(inputDigest({ ...base, proofCells: [] })).toBe(inputDigest(base));
  });

  it('does not depend on the order rows were read in', () => {
    expect(inputDigest({ ...base, interactive: [...base.interactive].reverse(), rows: [...base.rows].reverse() })).toBe(inputDigest(base));
  });

  it.each<[string, Partial<DigestInput>]>([
    ['the epoch', { epoch: 8 }],
    ['the parameter set', { parameterSetHash: 'fe' }],
    ['a cell', { interactive: [{ address: 'a', cell: '8c3' }, base.interactive[0]!] }],
    ['a share', { rows: [{ ...base.rows[0]!, beaconSharesE8: 6n }, base.rows[1]!] }],
    ['a data credit', { rows: [base.rows[0]!, { ...base.rows[1]!, dataDc: 5n }] }],
    ['the flags', { flags: [] }],
  ])('changes when %s changes', (_what, change) => {
    expect(inputDigest({ ...base, ...change })).not.toBe(inputDigest(base));
  });

  it('hashes large inputs (batched updates give the same digest as one update)', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ address: `h${String(i).padStart(6, '0')}`, beacons: i, beaconSharesE8: BigInt(i), witnesses: 0, witnessSharesE8: 0n, dataDc: 0n }));
    const input = { ...base, interactive: [], flags: [], rows };
    const text = ['["epoch",7,700,800,"ff"]', ...rows.map((r) => `["hotspot","${r.address}",${r.beacons},"${r.beaconSharesE8}",0,"0","0"]`)].map((l) => `${l}\n`).join('');
    expect(inputDigest(input)).toBe(bytesToHex(sha256(new TextEncoder().encode(text))));
  });
});
