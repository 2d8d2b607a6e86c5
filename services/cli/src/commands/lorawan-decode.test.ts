import { readFileSync } from 'node:fs';
import loraPacket from 'lora-packet';
import { describe, expect, it } from 'vitest';
import { UsageError, type CliIo } from '../command';
import { command } from './lorawan-decode';

const vectors = JSON.parse(
  readFileSync(new URL('../../../shared/src/testing/vectors/lorawan-vectors.json', import.meta.url), 'utf8'),
) as Record<'data_frames' | 'join_requests' | 'join_accepts', Array<{ id: string; phy_payload_hex: string; keys: Record<string, string>; expected: Record<string, unknown> }>>;

function vector(section: 'data_frames' | 'join_requests' | 'join_accepts', id: string) {
  const v = vectors[section].find((x) => x.id === id);
  if (!v) throw new Error(`no vector ${id}`);
  return v;
}

async function run(args: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
  let stdout = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: () => undefined };
  const code = await command.run(args, io);
  return { code, json: JSON.parse(stdout) as Record<string, unknown> };
}

describe('lorawan-decode', () => {
  it('decodes, verifies and decrypts a data uplink', async () => {
    const v = vector('data_frames', 'chirpstack_brocaar_confirmed_uplink_fopts');
    const { code, json } = await run(['--hex', v.phy_payload_hex, '--nwkskey', v.keys.nwk_s_key ?? '', '--appskey', v.keys.app_s_key ?? '']);
    expect(code).toBe(0);
    expect(json).toMatchObject({
      mtype: 'ConfirmedDataUp',
      devAddr: v.expected.dev_addr,
      fCtrl: { adr: false, ack: false, fOptsLen: 3 },
      fCnt: 0,
      fPort: 10,
      fOpts: v.expected.fopts_hex,
      frmPayload: v.expected.frm_payload_encrypted_hex,
      decryptedPayload: v.expected.frm_payload_decrypted_hex,
      micValid: true,
    });
    expect(json.fOptsCommands).toEqual([{ cid: 6, name: 'DevStatusAns', payload: '7307', fields: { battery: 115, marginDb: 7 } }]);
  });

  it('reports an invalid MIC and omits keyed fields without keys', async () => {
    const bad = vector('data_frames', 'lp_uplink_empty_payload_bad_mic');
    expect((await run(['--hex', bad.phy_payload_hex, '--nwkskey', bad.keys.nwk_s_key ?? ''])).json.micValid).toBe(false);
    const plain = await run(['--hex', bad.phy_payload_hex]);
    expect(plain.json).not.toHaveProperty('micValid');
    expect(plain.json).not.toHaveProperty('decryptedPayload');
  });

  it('accepts base64 input', async () => {
    const { json } = await run(['--base64', 'gAQDAgEDAAAGcwcK4mTU9+EX0sA=']);
    expect(json.devAddr).toBe('01020304');
  });

  it('decodes a join-request', async () => {
    const v = vector('join_requests', 'chirpstack_brocaar_join_request');
    const { json } = await run(['--hex', v.phy_payload_hex, '--appkey', v.keys.app_key ?? '']);
    expect(json).toEqual({
      mtype: 'JoinRequest',
      major: 0,
      joinEui: v.expected.join_eui,
      devEui: v.expected.dev_eui,
      devNonce: v.expected.dev_nonce,
      mic: v.expected.mic_hex,
      micValid: true,
    });
  });

  it('decrypts a join-accept with --appkey and derives session keys with --dev-nonce', async () => {
    const v = vector('join_accepts', 'chirpstack_brocaar_join_accept');
    const { json } = await run(['--hex', v.phy_payload_hex, '--appkey', v.keys.app_key ?? '', '--dev-nonce', '258']);
    expect(json).toMatchObject({
      mtype: 'JoinAccept',
      joinNonce: v.expected.join_nonce,
      netId: v.expected.net_id,
      devAddr: v.expected.dev_addr,
      dlSettings: { optNeg: false, rx1DrOffset: 0, rx2DataRate: 0 },
      rxDelay: 0,
      cfList: null,
      mic: v.expected.mic_hex,
      micValid: true,
    });
    // Independent derivation by lora-packet (it takes NetID, AppNonce and DevNonce in display order).
    const theirs = loraPacket.generateSessionKeys10(
      Buffer.from(v.keys.app_key ?? '', 'hex'),
      Buffer.from(String(v.expected.net_id), 'hex'),
      Buffer.from(String(v.expected.join_nonce_hex), 'hex'),
      Buffer.from('0102', 'hex'),
    );
    expect(json.sessionKeys).toEqual({ nwkSKey: theirs.NwkSKey.toString('hex'), appSKey: theirs.AppSKey.toString('hex') });
    const encrypted = await run(['--hex', v.phy_payload_hex]);
    expect(encrypted.json).toEqual({ mtype: 'JoinAccept', major: 0, encrypted: v.phy_payload_hex.slice(2) });
  });

  it('prints a coded error and exits 2 for a malformed frame', async () => {
    const { code, json } = await run(['--hex', '40f17dbe490f0200012b11ff0d']);
    expect(code).toBe(2);
    expect(json.error).toMatchObject({ code: 'lorawan.malformed', reason: 'fopts_overflow' });
  });

  it.each([
    [[]],
    [['--hex', 'abc']],
    [['--hex', '40', '--nwkskey', '1234']],
    [['--hex', '40', '--bogus', 'x']],
  ])('rejects bad usage %j', async (args) => {
    await expect(run(args)).rejects.toBeInstanceOf(UsageError);
  });
});
