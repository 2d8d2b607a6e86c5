import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keypairFromLabel, verify } from '@cov/shared/helium/keys';
import { hotspotTransferBytes } from '@cov/shared/registry/hotspot-transfer';
import { locationAssertionBytes } from '@cov/shared/registry/location-assertion';
import { ownerAlertsRemoveBytes, ownerAlertsSetBytes } from '@cov/shared/registry/owner-alert-request';
import { UsageError, type CliIo } from '../command';
import { command as ownerKey } from './owner-key';
import { command as ownerRequest } from './owner-request';

const dir = mkdtempSync(join(tmpdir(), 'owner-request-'));
const keyFile = join(dir, 'owner.key');
const owner = keypairFromLabel('cli/owner');
writeFileSync(keyFile, `${Buffer.from(owner.secretKey).toString('hex')}\n`);
const hotspot = keypairFromLabel('cli/hotspot').address;
const newOwner = keypairFromLabel('cli/new-owner').address;

async function run(command: typeof ownerRequest, args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await command.run(args, io).catch((e: unknown) => {
    if (e instanceof UsageError) return `usage: ${e.message}`;
    throw e;
  });
  return { code, stdout, stderr, json: stdout ? (JSON.parse(stdout) as Record<string, any>) : undefined };
}
const sig = (body: { signature: string }) => Uint8Array.from(Buffer.from(body.signature, 'base64'));

describe('owner-request', () => {
  it('signs a transfer over the bytes the API verifies', async () => {
    const { code, json } = await run(ownerRequest, ['transfer', '--key', keyFile, '--hotspot', hotspot, '--new-owner', newOwner, '--nonce', '7', '--timestamp-ms', '1000']);
    expect(code).toBe(0);
    expect(json).toMatchObject({ method: 'POST', path: `/v1/hotspots/${hotspot}/transfer`, body: { owner: owner.address, newOwner, nonce: 7, timestampMs: 1000 } });
    expect(verify(hotspotTransferBytes({ hotspot, owner: owner.address, newOwner, nonce: 7, timestampMs: 1000 }), sig(json!.body), owner.address)).toBe(true);
    expect(verify(hotspotTransferBytes({ hotspot, owner: owner.address, newOwner, nonce: 8, timestampMs: 1000 }), sig(json!.body), owner.address)).toBe(false);
  });

  it('signs a location assertion, with the timestamp as the nonce when none is given', async () => {
    const { json } = await run(ownerRequest, ['assert-location', '--key', keyFile, '--hotspot', hotspot, '--lat', '48.8566', '--lng', '2.3522', '--gain-dbi-x10', '30', '--elevation-m', '12', '--timestamp-ms', '5000']);
    expect(json!.body).toMatchObject({ owner: owner.address, lat: 48.8566, lng: 2.3522, gainDbiX10: 30, elevationM: 12, nonce: 5000, timestampMs: 5000 });
    expect(verify(locationAssertionBytes({ hotspot, owner: owner.address, lat: 48.8566, lng: 2.3522, gainDbiX10: 30, elevationM: 12, nonce: 5000, timestampMs: 5000 }), sig(json!.body), owner.address)).toBe(true);
  });

  it('signs alert subscriptions with and without an Authorization value, and their removal', async () => {
    const withAuth = (await run(ownerRequest, ['alerts-set', '--key', keyFile, '--url', 'https://example.com/hook', '--auth-header', 'Bearer x', '--nonce', '3', '--timestamp-ms', '9'])).json!;
    expect(withAuth).toMatchObject({ method: 'PUT', path: `/v1/owners/${owner.address}/alerts`, body: { url: 'https://example.com/hook', authHeader: 'Bearer x' } });
    expect(verify(ownerAlertsSetBytes({ owner: owner.address, url: 'https://example.com/hook', authHeader: 'Bearer x', nonce: 3, timestampMs: 9 }), sig(withAuth.body), owner.address)).toBe(true);
    const without = (await run(ownerRequest, ['alerts-set', '--key', keyFile, '--url', 'https://example.com/hook', '--nonce', '4', '--timestamp-ms', '9'])).json!;
    expect('authHeader' in without.body).toBe(false);
    expect('epochRewards' in without.body).toBe(false);
    const rewards = (await run(ownerRequest, ['alerts-set', '--key', keyFile, '--url', 'https://example.com/hook', '--epoch-rewards', '--nonce', '6', '--timestamp-ms', '9'])).json!;
    expect(rewards.body).toMatchObject({ epochRewards: true });
    expect(verify(ownerAlertsSetBytes({ owner: owner.address, url: 'https://example.com/hook', authHeader: null, epochRewards: true, nonce: 6, timestampMs: 9 }), sig(rewards.body), owner.address)).toBe(true);
    // Signed with the choice: the same request without it is not what was signed.
    expect(verify(ownerAlertsSetBytes({ owner: owner.address, url: 'https://example.com/hook', authHeader: null, nonce: 6, timestampMs: 9 }), sig(rewards.body), owner.address)).toBe(false);
    expect(verify(ownerAlertsSetBytes({ owner: owner.address, url: 'https://example.com/hook', authHeader: null, nonce: 4, timestampMs: 9 }), sig(without.body), owner.address)).toBe(true);
    const removal = (await run(ownerRequest, ['alerts-remove', '--key', keyFile, '--nonce', '5', '--timestamp-ms', '9'])).json!;
    expect(removal.method).toBe('DELETE');
    expect(verify(ownerAlertsRemoveBytes({ owner: owner.address, nonce: 5, timestampMs: 9 }), sig(removal.body), owner.address)).toBe(true);
  });

  it.each<[string, string[]]>([
    ['no kind', ['--key', keyFile]],
    ['an unknown kind', ['sell', '--key', keyFile]],
    ['no key', ['transfer', '--hotspot', hotspot, '--new-owner', newOwner]],
    ['a missing field', ['transfer', '--key', keyFile, '--hotspot', hotspot]],
    ['a latitude that is not a number', ['assert-location', '--key', keyFile, '--hotspot', hotspot, '--lat', 'north', '--lng', '2', '--gain-dbi-x10', '1', '--elevation-m', '1']],
    ['a fractional gain', ['assert-location', '--key', keyFile, '--hotspot', hotspot, '--lat', '1', '--lng', '2', '--gain-dbi-x10', '1.5', '--elevation-m', '1']],
    ['a zero nonce', ['alerts-remove', '--key', keyFile, '--nonce', '0']],
    ['an unknown option', ['alerts-remove', '--key', keyFile, '--price', '3']],
    ['a bad --send URL', ['alerts-remove', '--key', keyFile, '--send', 'not a url']],
  ])('refuses %s as bad usage', async (_name, args) => {
    expect(String((await run(ownerRequest, args)).code)).toMatch(/^usage: /);
  });

  it('refuses a key file that is not a key (exit 2)', async () => {
    const bad = join(dir, 'bad.key');
    writeFileSync(bad, 'hello\n');
    const res = await run(ownerRequest, ['alerts-remove', '--key', bad]);
    expect([res.code, res.stderr]).toEqual([2, `key file ${bad} must hold 64 hex characters (an ed25519 secret key)\n`]);
    expect((await run(ownerRequest, ['alerts-remove', '--key', join(dir, 'missing.key')])).code).toBe(2);
  });

  it('says when the API cannot be reached (exit 1)', async () => {
    const res = await run(ownerRequest, ['alerts-remove', '--key', keyFile, '--send', 'http://127.0.0.1:9']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:9: /);
  });
});

describe('owner-key', () => {
  it('creates a 0600 key file once and reads its address back', async () => {
    const file = join(dir, 'new.key');
    const created = await run(ownerKey, ['--new', file]);
    expect(created.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect((await run(ownerKey, ['--file', file])).json).toEqual(created.json);
    const again = await run(ownerKey, ['--new', file]);
    expect([again.code, again.stderr]).toEqual([2, `${file} exists; not overwriting a key (read its address with --file)\n`]);
    expect((await run(ownerKey, ['--file', keyFile])).json).toEqual({ address: owner.address });
    expect(String((await run(ownerKey, [])).code)).toMatch(/^usage: /);
  });
});
