import { describe, expect, it } from 'vitest';
import { parsePhyPayload } from './phy-payload';
import { hex } from './vectors.fixture';

describe('parsePhyPayload rejects malformed frames with a reason', () => {
  it.each([
    ['empty', '', 'too_short'],
    ['data frame shorter than 12 bytes', '40f17dbe490002000195', 'too_short'],
    ['FOptsLen past the MIC', '40f17dbe490f0200012b11ff0d', 'fopts_overflow'],
    ['FPort 0 with FOpts', '40f17dbe49010200020095437876', 'fopts_with_fport0'],
    ['join-request of 22 bytes', '0039363463336913aa05693574323831330489c65b13', 'bad_length'],
    ['join-accept of 18 bytes', '20e3de108795f776b8037610ef7869b5b300', 'bad_length'],
    ['major version 1', '41f17dbe4900020001954378762b11ff0d', 'unsupported_major'],
    ['RFU MType 110', 'c0f17dbe4900020001954378762b11ff0d', 'unsupported_mtype'],
    ['longer than 255 bytes', `40${'00'.repeat(260)}`, 'too_long'],
  ])('%s', (_name, frameHex, reason) => {
    const r = parsePhyPayload(hex(frameHex));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('lorawan.malformed');
      expect(r.error.details?.reason).toBe(reason);
    }
  });

  it('accepts a data frame with neither FPort nor FRMPayload', () => {
    const r = parsePhyPayload(hex('60f17dbe4920020011223344'));
    expect(r.ok && r.value.kind === 'data' && r.value.fPort === null && r.value.frmPayload.length === 0).toBe(true);
  });

  it('keeps proprietary frames as opaque payload', () => {
    const r = parsePhyPayload(hex('e0010203'));
    expect(r.ok && r.value.kind === 'proprietary' && r.value.payload.length === 3).toBe(true);
  });

  it('never throws on arbitrary bytes', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let okCount = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256));
      const r = parsePhyPayload(bytes);
      if (r.ok) okCount++;
      else expect(r.error.code).toBe('lorawan.malformed');
    }
    // Some random frames are structurally valid; the point is that none threw.
    expect(okCount).toBeGreaterThan(0);
  });
});
