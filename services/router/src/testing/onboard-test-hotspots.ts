/**
 * Registers hotspots for a router test through the API, as a maker and an owner would: the maker
 * onboards each with its gateway EUI, the owner signs its location assertion (a router needs the
 * region and location of the hotspots it buys copies from). Keys come from labels, so each test
 * file gets hotspots of its own.
 */
import { keypairFromLabel, sign } from '@cov/shared/helium/keys';
import { locationAssertionBytes } from '@cov/shared/registry/location-assertion';
import type { HttpAnswer } from '@cov/app/testing/test-node';

export interface TestHotspot {
  address: string;
  /** 16 hex, upper case, as registered. */
  gatewayEui: string;
}

export interface OnboardOptions {
  /** Key labels: `<label>/owner` and `<label>/hotspot/<i>`. */
  label: string;
  /** The first 14 hex digits of the EUIs; hotspot i gets `<prefix><i as 2 hex>`. */
  euiPrefix: string;
  count: number;
  /** Hotspot i stands at (lat + i * 0.01, lng). */
  at: { lat: number; lng: number };
  makerName: string;
}

type Call = (method: string, path: string, body?: unknown, key?: string) => Promise<HttpAnswer>;

export async function onboardTestHotspots(call: Call, adminKey: string, o: OnboardOptions): Promise<TestHotspot[]> {
  const maker = await call('POST', '/v1/admin/makers', { name: o.makerName }, adminKey);
  if (maker.status !== 201) throw new Error(`maker not created: ${maker.status} ${maker.text}`);
  const owner = keypairFromLabel(`${o.label}/owner`);
  const out: TestHotspot[] = [];
  for (let i = 0; i < o.count; i++) {
    const h = keypairFromLabel(`${o.label}/hotspot/${i}`);
    const gatewayEui = `${o.euiPrefix}${i.toString(16).padStart(2, '0')}`.toUpperCase();
    const onboarded = await call('POST', '/v1/hotspots', { address: h.address, ownerAddress: owner.address, gatewayEui }, maker.body.apiKey);
    if (onboarded.status !== 201) throw new Error(`hotspot ${i} not onboarded: ${onboarded.status} ${onboarded.text}`);
    const fields = { hotspot: h.address, owner: owner.address, lat: o.at.lat + i * 0.01, lng: o.at.lng, gainDbiX10: 30, elevationM: 10, nonce: 1, timestampMs: Date.now() };
    const signature = Buffer.from(sign(locationAssertionBytes(fields), owner.secretKey)).toString('base64');
    const { hotspot: _h, ...rest } = fields;
    const asserted = await call('POST', `/v1/hotspots/${h.address}/location`, { ...rest, signature });
    if (asserted.status !== 200) throw new Error(`hotspot ${i} location not asserted: ${asserted.status} ${asserted.text}`);
    out.push({ address: h.address, gatewayEui });
  }
  return out;
}
