import { describe, expect, it } from 'vitest';
import { parseMacCommands } from './mac-commands';
import { hex } from './vectors.fixture';

describe('parseMacCommands', () => {
  it('splits uplink answers and decodes DevStatusAns with a negative margin', () => {
    const r = parseMacCommands(hex('0203050665 3f'.replace(' ', '')), 'up');
    expect(r.ok && r.value).toEqual([
      { cid: 2, name: 'LinkCheckReq', payload: '' },
      { cid: 3, name: 'LinkADRAns', payload: '05', fields: { powerAck: true, dataRateAck: false, channelMaskAck: true } },
      { cid: 6, name: 'DevStatusAns', payload: '653f', fields: { battery: 0x65, marginDb: -1 } },
    ]);
  });

  it('uses downlink sizes for downlinks (LinkCheckAns carries 2 bytes)', () => {
    const r = parseMacCommands(hex('02140306'), 'down');
    expect(r.ok && r.value).toEqual([
      { cid: 2, name: 'LinkCheckAns', payload: '1403', fields: { marginDb: 20, gwCnt: 3 } },
      { cid: 6, name: 'DevStatusReq', payload: '' },
    ]);
  });

  it.each([
    ['unknown CID', '7f', 'up'],
    ['truncated LinkADRReq', '03ff00', 'down'],
  ] as const)('%s is malformed', (_name, bytes, dir) => {
    const r = parseMacCommands(hex(bytes), dir);
    expect(!r.ok && r.error.details?.reason).toBe('bad_mac_command');
  });
});
