import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel, sign, type Keypair } from '@cov/shared/helium/keys';
import { locationAssertionBytes, type LocationAssertionFields } from '@cov/shared/registry/location-assertion';
import { RegionLookup } from '@cov/shared/location-region/region-lookup';
import { createLogger } from '@cov/shared/logger';
import { allPages } from '@cov/app/testing/keyset-pages';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { hotspotCountryTask } from '../registry/registry-backfill-tasks';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

// Where each hotspot is asserted, and the country code that must follow.
const PLACES = [
  { key: 'paris', lat: 48.8566, lng: 2.3522, code: 'FR' },
  { key: 'lyon', lat: 45.764, lng: 4.8357, code: 'FR', capability: 'data_only' },
  { key: 'berlin', lat: 52.52, lng: 13.405, code: 'DE' },
  { key: 'new-york', lat: 40.7128, lng: -74.006, code: 'US' },
  { key: 'pristina', lat: 42.6629, lng: 21.1655, code: 'XK' },
  { key: 'hargeisa', lat: 9.56, lng: 44.065, code: 'ZZ' },
] as const;

interface Country {
  code: string;
  name: string;
  regions: string[];
  hotspotCount: number;
  dataOnlyCount: number;
  hexCount: number;
  bbox: number[] | null;
}

// PostgreSQL and embedded: Redis plays no part in what is read here.
describe.each(['postgres', 'embedded'] as const)('countries (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  const owner = keypairFromLabel(`countries/${mode}/owner`);
  const hotspots = Object.fromEntries(PLACES.map((p) => [p.key, keypairFromLabel(`countries/${mode}/${p.key}`)])) as Record<(typeof PLACES)[number]['key'], Keypair>;
  const unlocated = keypairFromLabel(`countries/${mode}/unlocated`);
  const call = (method: string, path: string, body?: unknown, key?: string) => node.call(method, path, body, key);
  const nonces = new Map<string, number>();
  const assertAt = (hotspot: Keypair, lat: number, lng: number) => {
    const nonce = (nonces.get(hotspot.address) ?? 0) + 1;
    nonces.set(hotspot.address, nonce);
    const fields: LocationAssertionFields = { hotspot: hotspot.address, owner: owner.address, lat, lng, gainDbiX10: 30, elevationM: 10, nonce, timestampMs: clock.nowMs() };
    const signature = Buffer.from(sign(locationAssertionBytes(fields), owner.secretKey)).toString('base64');
    const { hotspot: _h, ...rest } = fields;
    return call('POST', `/v1/hotspots/${hotspot.address}/location`, { ...rest, signature });
  };
  const countries = async (query = ''): Promise<Country[]> => {
    const r = await call('GET', `/v1/countries${query}`);
    expect(r.status, query).toBe(200);
    return r.body.data;
  };
  const inCountry = async (code: string) =>
    (await allPages<{ address: string }>((cursor) => call('GET', `/v1/hotspots?country=${code}&limit=1${cursor ? `&cursor=${cursor}` : ''}`))).map((h) => h.address).sort();

  beforeAll(async () => {
    // A snapshot per request: each test sees the registry as it left it.
    node = await startTestNode(mode, { services: ['api'], clock, overrides: { COVERAGE_SNAPSHOT_TTL_MS: '0' } });
    const maker = await call('POST', '/v1/admin/makers', { name: 'Country Makers' }, node.adminKey);
    for (const p of PLACES) {
      const capability = 'capability' in p ? p.capability : 'full';
      expect((await call('POST', '/v1/hotspots', { address: hotspots[p.key].address, ownerAddress: owner.address, capability }, maker.body.apiKey)).status).toBe(201);
      expect((await assertAt(hotspots[p.key], p.lat, p.lng)).status, p.key).toBe(200);
    }
    expect((await call('POST', '/v1/hotspots', { address: unlocated.address, ownerAddress: owner.address }, maker.body.apiKey)).status).toBe(201);
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('shows the country of each asserted location, and none without a location', async () => {
    for (const p of PLACES) {
      const h = await call('GET', `/v1/hotspots/${hotspots[p.key].address}`);
      expect(h.body.location.country.code, p.key).toBe(p.code);
    }
    expect((await call('GET', `/v1/hotspots/${hotspots.paris.address}`)).body.location.country).toEqual({ code: 'FR', name: 'France' });
    expect((await call('GET', `/v1/hotspots/${unlocated.address}`)).body.location).toBeNull();
  });

  it('ranks the countries with located hotspots, their figures adding up to the coverage snapshot', async () => {
    const all = await countries();
    expect(all.map((c) => c.code)).toEqual(['FR', 'DE', 'US', 'XK', 'ZZ']);
    const fr = all[0]!;
    expect(fr).toMatchObject({ name: 'France', regions: ['EU868'], hotspotCount: 2, dataOnlyCount: 1, hexCount: 2 });
    const [west, south, east, north] = fr.bbox!;
    expect(west).toBeCloseTo(2.3522, 2);
    expect(east).toBeCloseTo(4.8357, 2);
    expect(south).toBeCloseTo(45.764, 2);
    expect(north).toBeCloseTo(48.8566, 2);
    expect(all.find((c) => c.code === 'US')?.regions).toEqual(['US915']);
    expect((await countries('?order=code')).map((c) => c.code)).toEqual(['DE', 'FR', 'US', 'XK', 'ZZ']);
    expect((await countries('?region=US915')).map((c) => c.code)).toEqual(['US']);
    expect(await countries('?region=KR920')).toEqual([]);

    const stats = (await call('GET', '/v1/stats')).body;
    expect(all.reduce((s, c) => s + c.hotspotCount, 0)).toBe(stats.coverage.asserted);
    // ZZ is where no country code applies; it is listed but not counted as a country.
    expect(stats.coverage.countries).toBe(4);
  });

  it('exports the ranking as CSV, one row per country', async () => {
    const r = await call('GET', '/v1/countries?format=csv');
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (r.text as string).trim().split('\r\n');
    expect(lines[0]).toBe('code,name,regions,hotspots,data_only,interactive,hexes_res8,mean_transmit_scale,pocs,rewarded,total_rewards,mean_rewards,west,south,east,north');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['FR', 'DE', 'US', 'XK', 'ZZ']);
    expect(lines[1]!.split(',').slice(0, 7)).toEqual(['FR', 'France', 'EU868', '2', '1', '0', '2']);
  });

  it('answers one country in any case, a country without hotspots with zeros, and refuses codes that are no country', async () => {
    const fr = await call('GET', '/v1/countries/fr');
    expect(fr.status).toBe(200);
    expect(fr.body.country).toMatchObject({ code: 'FR', hotspotCount: 2 });
    const iceland = await call('GET', '/v1/countries/IS');
    expect(iceland.body.country).toMatchObject({ code: 'IS', name: 'Iceland', hotspotCount: 0, regions: [], bbox: null });
    const unknown = await call('GET', '/v1/countries/QQ');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'countries.unknown_code']);
    for (const bad of ['F1', 'FRA', 'F']) {
      const r = await call('GET', `/v1/countries/${bad}`);
      expect([r.status, r.body.error.code], bad).toEqual([400, 'request.invalid']);
    }
  });

  it('lists one country\'s hotspots in pages, and refuses a code that is no country', async () => {
    expect(await inCountry('fr')).toEqual([hotspots.paris.address, hotspots.lyon.address].sort());
    expect(await inCountry('XK')).toEqual([hotspots.pristina.address]);
    expect(await inCountry('IS')).toEqual([]);
    const unknown = await call('GET', '/v1/hotspots?country=QQ');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'countries.unknown_code']);
    expect((await call('GET', '/v1/hotspots?country=FRA')).status).toBe(400);
  });

  it('puts the country after the columns the fleet CSV had before it, and before those added since', async () => {
    const csv = (await call('GET', `/v1/owners/${owner.address}/hotspots?format=csv`)).text as string;
    const [header, ...rows] = csv.trim().split('\r\n');
    const columns = header!.split(',');
    const at = columns.indexOf('country');
    expect(columns.slice(at - 1)).toEqual(['latest_epoch_standing', 'country', 'earning_epoch', 'earning_so_far', 'earning_as_of']);
    const berlin = rows.find((r) => r.startsWith(hotspots.berlin.address))!;
    expect(berlin.split(',')[at]).toBe('DE');
  });

  it('moves a hotspot to the country of its new location', async () => {
    expect((await assertAt(hotspots.paris, 52.53, 13.41)).status).toBe(200);
    expect((await call('GET', `/v1/hotspots/${hotspots.paris.address}`)).body.location.country.code).toBe('DE');
    const all = await countries();
    expect(all.map((c) => [c.code, c.hotspotCount])).toEqual([['DE', 2], ['FR', 1], ['US', 1], ['XK', 1], ['ZZ', 1]]);
    expect(await inCountry('DE')).toEqual([hotspots.berlin.address, hotspots.paris.address].sort());
  });

  it('fills in the country of locations asserted before countries were kept', async () => {
    const stored = async () => (await node.ctx.database.sql<{ address: string; code: string | null }[]>`select address, country_code as code from hotspots order by address`).map((r) => [r.address, r.code]);
    const before = await stored();
    await node.ctx.database.sql`update hotspots set country_code = null`;
    expect(await countries()).toEqual([]);
    expect(await inCountry('DE')).toEqual([]);
    expect((await call('GET', `/v1/hotspots/${hotspots.berlin.address}`)).body.location.country).toBeNull();

    const task = hotspotCountryTask(node.ctx.database.db, new RegionLookup(7), createLogger({ LOG_LEVEL: 'silent' }), 20);
    await task.start();
    let after = await stored();
    try {
      const deadline = Date.now() + 15_000;
      while (after.filter(([, code]) => code === null).length > 1 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        after = await stored();
      }
    } finally {
      await task.stop();
    }
    // The same codes as at assertion time (from the stored cell instead of the signed point), and
    // still none for the hotspot without a location.
    expect(after).toEqual(before);
    expect(after.filter(([, code]) => code === null)).toEqual([[unlocated.address, null]]);
    expect(await inCountry('DE')).toEqual([hotspots.berlin.address, hotspots.paris.address].sort());
  });
});
