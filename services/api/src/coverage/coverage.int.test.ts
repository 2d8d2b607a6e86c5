import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToBoundary, cellToLatLng, cellToParent, getHexagonEdgeLengthAvg, latLngToCell } from 'h3-js';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { computeHexDensity } from '@cov/shared/rewards/hex-density';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { distanceM } from './coverage-rule';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const EPOCH = Math.floor(NOW / 86_400_000);
// Two hotspots in one res-10 cell (each scaled 0.5), one lone hotspot 3 km away, one data-only (it
// takes no part in PoC, so it is never witnessed); and in Fiji, one a few metres west of the
// antimeridian and one 10 km east of it that is full but never witnessed.
const SITES = [
  { lat: 48.85660, lng: 2.35220, interactive: true },
  { lat: 48.85665, lng: 2.35228, interactive: true },
  { lat: 48.88000, lng: 2.35000, interactive: true },
  { lat: 48.86000, lng: 2.40000, interactive: false, capability: 'data_only' },
  { lat: -16.50000, lng: 179.99990, interactive: true },
  { lat: -16.50000, lng: -179.90000, interactive: false },
];
const PARIS = SITES.slice(0, 4);
const FIJI = SITES.slice(4);

describe.each(['postgres', 'embedded'] as const)('coverage (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(NOW);
  const keys = SITES.map((_, i) => keypairFromLabel(`coverage/${mode}/${i}`));
  const cells = SITES.map((s) => latLngToCell(s.lat, s.lng, 12));
  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${node.httpBaseUrl}${path}`, init);
    return { status: res.status, body: (await res.json()) as any };
  };

  // Raw bytes and headers, without fetch's transparent decompression.
  const raw = (path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const req = httpRequest(`${node.httpBaseUrl}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
    const { sql } = node.ctx.database;
    await sql`insert into makers (id, name, created_at) values ('00000000-0000-0000-0000-000000000008', 'm', now())`;
    for (const [i, k] of keys.entries()) {
      await sql`insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, location_cell, location_cell_res8, gain_dbi_x10, elevation_m, region, onboarded_at)
        values (${k.address}, ${Buffer.from(k.binaryKey)}, ${k.address}, '00000000-0000-0000-0000-000000000008', ${SITES[i]!.capability ?? 'full'}, ${`AA0000000000000${i}`}, ${cells[i]!}, ${cellToParent(cells[i]!, 8)}, 30, 5, 'EU868', now())`;
      if (!SITES[i]!.interactive) continue;
      await sql`insert into beacon_verdicts (beacon_id, hotspot_address, received_at_ms, epoch, valid, reason, details, location_cell, witness_count, valid_witness_count, selected_witness_count, denylist_version, verified_at_ms)
        values (${`b${i}`}, ${k.address}, ${NOW - 3_600_000}, ${EPOCH}, true, null, '{}', ${cells[i]!}, 1, 1, 1, 0, ${NOW})`;
      await sql`insert into witness_verdicts (beacon_id, witness_id, hotspot_address, beaconer_address, received_at_ms, epoch, valid, reason, details, selected, signal_dbm_x10, snr_db_x10, distance_m, location_cell)
        values (${`b${i}`}, ${`w${i}`}, ${keys[(i + 1) % 3]!.address}, ${k.address}, ${NOW - 3_600_000 + 50}, ${EPOCH}, true, null, '{}', true, ${-900 - i * 100}, 50, 3000, null)`;
    }
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('lists hexes in a bbox with counts, interactive counts, scales from the density rule, RSSI and PoCs', async () => {
    const res = await get('/v1/coverage/hexes?res=8&bbox=2.30,48.84,2.45,48.90');
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('FeatureCollection');
    const byHex = new Map(res.body.features.map((f: any) => [f.id, f.properties]));
    const paris = byHex.get(cellToParent(cells[0]!, 8)) as any;
    expect(paris).toMatchObject({ hotspotCount: 2, interactiveCount: 2, meanTransmitScale: 0.5, bestRssiDbm: -90, pocCount: 2 });
    // The same rule the rewarder applies, computed independently here.
    const density = computeHexDensity(cells.slice(0, 3));
    expect(density.ok && density.value.scaleOf(cells[0]!).scale).toBe(0.5);
    expect(byHex.get(cellToParent(cells[3]!, 8))).toMatchObject({ hotspotCount: 1, interactiveCount: 0, meanTransmitScale: null, pocCount: 0 });
    const total = res.body.features.reduce((n: number, f: any) => n + f.properties.hotspotCount, 0);
    expect(total).toBe(PARIS.length);
    expect(res.body.features[0].geometry.coordinates[0].length).toBe(7);
  });

  it('agrees between resolutions, the polygon form and the hex details', async () => {
    const res7 = await get('/v1/coverage/hexes?res=7&bbox=2.30,48.84,2.45,48.90');
    expect(res7.body.features.reduce((n: number, f: any) => n + f.properties.hotspotCount, 0)).toBe(PARIS.length);
    const polygon = { type: 'Polygon', coordinates: [[[2.34, 48.85], [2.36, 48.85], [2.36, 48.865], [2.34, 48.865], [2.34, 48.85]]] };
    const inPoly = await get('/v1/coverage/hexes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ res: 8, polygon }) });
    expect(inPoly.body.features.map((f: any) => f.id)).toEqual([cellToParent(cells[0]!, 8)]);
    const hex = await get(`/v1/hexes/${cellToParent(cells[0]!, 8)}`);
    expect(hex.body.hex).toMatchObject({ hotspotCount: 2, interactiveCount: 2 });
    expect(hex.body.hotspots.map((h: any) => h.transmitScale)).toEqual([0.5, 0.5]);
    // Outside the listed resolutions (an asserted res-12 cell, a res-2 one) the details aggregate the same way.
    const res8 = (await get(`/v1/coverage/hexes?res=8&bbox=2.30,48.84,2.45,48.90`)).body.features.find((f: any) => f.id === cellToParent(cells[0]!, 8)).properties;
    const res11 = await get(`/v1/hexes/${cellToParent(cells[0]!, 11)}`);
    expect(res11.body.hex).toMatchObject({ res: 11, hotspotCount: 2, interactiveCount: 2, meanTransmitScale: 0.5, bestRssiDbm: res8.bestRssiDbm, medianRssiDbm: res8.medianRssiDbm, pocCount: 2 });
    const own = await get(`/v1/hexes/${cells[2]}`);
    expect(own.body.hex).toMatchObject({ res: 12, hotspotCount: 1, interactiveCount: 1, meanTransmitScale: own.body.hotspots[0].transmitScale, bestRssiDbm: own.body.hotspots[0].bestRssiDbm, pocCount: 1 });
    expect(own.body.hex.bestRssiDbm).not.toBeNull();
    expect((await get(`/v1/hexes/${cellToParent(cells[0]!, 2)}`)).body.hex).toMatchObject({ res: 2, hotspotCount: PARIS.length, interactiveCount: 3, pocCount: 3 });
    // A pentagon with no hotspot: its outline and zero counts.
    const pentagon = await get('/v1/hexes/8808000001fffff');
    expect([pentagon.status, pentagon.body.hex.hotspotCount, pentagon.body.boundary.coordinates[0].length]).toEqual([200, 0, 6]);
    for (const notCell of ['1181fb46625fffff', '2281fb46621fffff', '0', 'ffffffffffffffff']) expect((await get(`/v1/hexes/${notCell}`)).body.error.code, notCell).toBe('geo.invalid_h3');
  });

  it('serves kept answers as gzip or brotli by Accept-Encoding, the same bytes once decoded, with Vary and a shared ETag', async () => {
    const polygon = JSON.stringify({ res: 8, polygon: { type: 'Polygon', coordinates: [[[2.30, 48.84], [2.45, 48.84], [2.45, 48.90], [2.30, 48.90], [2.30, 48.84]]] } });
    for (const [path, body] of [['/v1/coverage/hexes?res=8&bbox=2.30,48.84,2.45,48.90', undefined], ['/v1/coverage/hexes', polygon], ['/v1/coverage/hotspots?bbox=2.30,48.84,2.45,48.90', undefined]] as const) {
      const plain = await raw(path, {}, body);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toMatch(/accept-encoding/i);
      expect(plain.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
      const parsed = JSON.parse(plain.body.toString('utf8'));
      expect(parsed.features ?? parsed.data).not.toHaveLength(0);

      const gz = await raw(path, { 'accept-encoding': 'gzip, deflate' }, body);
      expect([gz.status, gz.headers['content-encoding'], gz.headers.vary]).toEqual([200, 'gzip', plain.headers.vary]);
      expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);

      const br = await raw(path, { 'accept-encoding': 'gzip, br' }, body);
      expect([br.status, br.headers['content-encoding'], br.headers.vary]).toEqual([200, 'br', plain.headers.vary]);
      expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      expect(br.body.length).toBeLessThan(plain.body.length);

      const refused = await raw(path, { 'accept-encoding': 'br;q=0, gzip;q=0' }, body);
      expect([refused.headers['content-encoding'], refused.body.equals(plain.body)]).toEqual([undefined, true]);

      // One weak ETag for all three forms; a revalidation gets 304 with no body, whatever the coding.
      expect(plain.headers.etag).toMatch(/^W\/"/);
      expect([gz.headers.etag, br.headers.etag]).toEqual([plain.headers.etag, plain.headers.etag]);
      const revalidated = await raw(path, { 'accept-encoding': 'gzip, br', 'if-none-match': `"other", ${plain.headers.etag!}` }, body);
      expect([revalidated.status, revalidated.body.length, revalidated.headers.etag]).toEqual([304, 0, plain.headers.etag]);
      expect((await raw(path, { 'if-none-match': 'W/"other"' }, body)).status).toBe(200);
    }
  });

  it('gives hex outlines and centres with at most 6 decimals', async () => {
    const res = await get('/v1/coverage/hexes?res=8&bbox=2.30,48.84,2.45,48.90');
    const decimals = (n: number) => (String(n).split('.')[1] ?? '').length;
    for (const f of res.body.features) {
      expect(f.geometry.coordinates[0].flat().every((n: number) => decimals(n) <= 6)).toBe(true);
      expect(decimals(f.properties.lat)).toBeLessThanOrEqual(6);
      expect(decimals(f.properties.lng)).toBeLessThanOrEqual(6);
    }
    const outline = res.body.features[0].geometry.coordinates[0];
    expect(outline[0]).toEqual(outline[outline.length - 1]);
  });

  it('shows a data-only hotspot with no transmit scale and as taking no part in PoC, in every view, and full ones with theirs', async () => {
    const [dataOnly, lone, idleFull] = [keys[3]!.address, keys[2]!.address, keys[5]!.address];
    const points = (await get('/v1/coverage/hotspots?bbox=2.30,48.84,2.45,48.90')).body.data as any[];
    const point = (address: string) => points.find((p) => p.address === address);
    expect(point(dataOnly)).toMatchObject({ capability: 'data_only', interactive: false, transmitScale: null, pocEligible: false });
    expect(point(lone)).toMatchObject({ capability: 'full', interactive: true, transmitScale: 1, pocEligible: true });
    const hex = (await get(`/v1/hexes/${cellToParent(cells[3]!, 8)}`)).body;
    expect(hex.hex).toMatchObject({ hotspotCount: 1, interactiveCount: 0, meanTransmitScale: null });
    expect(hex.hotspots).toMatchObject([{ address: dataOnly, transmitScale: null, pocEligible: false }]);
    // Map points and hex members carry the name the map shows (these rows were written unnamed: from the address).
    expect(hex.hotspots[0].name).toBe(hotspotName(dataOnly));
    for (const p of points) expect(p.name).toBe(hotspotName(p.address));
    const status = async (address: string) => (await get(`/v1/hotspots/${address}`)).body.status;
    expect(await status(dataOnly)).toMatchObject({ interactive: false, transmitScale: null, pocEligible: false });
    // A full hotspot that is not interactive keeps the default scale it would be paid at.
    expect(await status(idleFull)).toMatchObject({ interactive: false, transmitScale: 0.2, pocEligible: true });
    expect((await get('/v1/coverage/hotspots?bbox=179.9,-16.6,-179.8,-16.4')).body.data.find((p: any) => p.address === idleFull)).toMatchObject({ transmitScale: 0.2, pocEligible: true });
  });

  it('lists the hotspots within a radius of a point, nearest first, with their distance', async () => {
    const at = { lat: 48.8566, lng: 2.3522 };
    const expected = cells
      .map((cell, i) => ({ address: keys[i]!.address, d: distanceM(at.lat, at.lng, ...cellToLatLng(cell)) }))
      .filter((x) => x.d <= 3_000)
      .sort((a, b) => a.d - b.d || (a.address < b.address ? -1 : 1));
    // The two hotspots next door and the lone one 2.6 km north; not the data-only one 3.5 km east, nor Fiji.
    expect(expected).toHaveLength(3);
    const near = await get(`/v1/coverage/hotspots/near?lat=${at.lat}&lng=${at.lng}&radius_m=3000`);
    expect(near.status).toBe(200);
    expect(near.body.data.map((p: any) => [p.address, p.distanceM])).toEqual(expected.map((x) => [x.address, Math.round(x.d)]));
    expect(near.body.data[0]).toMatchObject({ name: hotspotName(expected[0]!.address), capability: 'full', interactive: true });
    expect(near.body.truncated).toBe(false);
    const wider = await get(`/v1/coverage/hotspots/near?lat=${at.lat}&lng=${at.lng}&radius_m=10000&limit=2`);
    expect([wider.body.data.length, wider.body.truncated]).toEqual([2, true]);
    // Across the antimeridian, as the map and point coverage see it.
    const fiji = await get('/v1/coverage/hotspots/near?lat=-16.5&lng=179.9999&radius_m=15000');
    expect(fiji.body.data.map((p: any) => p.address).sort()).toEqual([keys[4]!.address, keys[5]!.address].sort());
    for (const bad of ['lat=91&lng=0', 'lat=0&lng=0&radius_m=0', 'lat=0&lng=0&radius_m=100001', 'lat=0&lng=0&limit=501', 'lng=0']) {
      const r = await get(`/v1/coverage/hotspots/near?${bad}`);
      expect([r.status, r.body.error.code], bad).toEqual([400, bad.startsWith('lat=91') ? 'geo.out_of_range' : 'request.invalid']);
    }
  });

  it('answers whether a point is covered, with the rule and nearest hotspots', async () => {
    const near = await get('/v1/coverage/point?lat=48.857&lng=2.353');
    expect(near.body.covered).toBe(true);
    expect(near.body.rule).toContain('-120 dBm');
    expect(near.body.nearest[0].distanceM).toBeLessThan(200);
    for (const h of near.body.nearest) expect(h.name).toBe(hotspotName(h.address));
    const far = await get('/v1/coverage/point?lat=45.0&lng=5.0');
    expect(far.body).toMatchObject({ covered: false, bestEstimatedRssiDbm: null, nearest: [] });
  });

  it('estimates what a hotspot placed at a point would get and whose scale it would lower, as the whole density computation would', async () => {
    const interactiveCells = cells.filter((_, i) => SITES[i]!.interactive);
    const scaleWith = (extra: string) => {
      const d = computeHexDensity([...interactiveCells, extra]);
      if (!d.ok) throw d.error;
      return d.value;
    };
    // A third hotspot in the two Paris hotspots' res-10 cell: all three share it.
    const crowded = await get(`/v1/coverage/siting?lat=${SITES[0]!.lat}&lng=${SITES[0]!.lng}`);
    expect(crowded.status).toBe(200);
    const newCell = latLngToCell(SITES[0]!.lat, SITES[0]!.lng, 12);
    expect(crowded.body.location).toEqual({ lat: SITES[0]!.lat, lng: SITES[0]!.lng, cell: newCell, hex: cellToParent(newCell, 8), region: 'EU868', country: { code: 'FR', name: 'France' } });
    expect(crowded.body.transmitScale).toBe(scaleWith(newCell).scaleOf(newCell).scale);
    expect(crowded.body.transmitScale).toBe(0.3333);
    expect(crowded.body.density.find((l: any) => l.res === 10)).toMatchObject({ hotspots: 3, allowed: 1 });
    expect(crowded.body.changedCount).toBe(2);
    expect(crowded.body.changed.map((c: any) => [c.address, c.name, c.hex, c.transmitScale, c.transmitScaleAfter]).sort()).toEqual(
      [0, 1].map((i) => [keys[i]!.address, hotspotName(keys[i]!.address), cellToParent(cells[i]!, 8), 0.5, 0.3333]).sort(),
    );
    // Beside the lone hotspot: the two would split its res-10 cell.
    const beside = await get(`/v1/coverage/siting?lat=${SITES[2]!.lat + 0.00003}&lng=${SITES[2]!.lng}`);
    expect([beside.body.transmitScale, beside.body.changed.map((c: any) => [c.address, c.transmitScale, c.transmitScaleAfter])]).toEqual([0.5, [[keys[2]!.address, 1, 0.5]]]);
    // Countryside: the full scale, nobody changed; the data-only and never-witnessed hotspots never count.
    const alone = await get('/v1/coverage/siting?lat=47.5&lng=3.5');
    expect([alone.body.transmitScale, alone.body.changedCount, alone.body.changed]).toEqual([1, 0, []]);
    const nextToDataOnly = await get(`/v1/coverage/siting?lat=${SITES[3]!.lat}&lng=${SITES[3]!.lng}`);
    expect(nextToDataOnly.body.changedCount).toBe(0);
    // Where no hotspot could be asserted, and what is not a point.
    expect((await get('/v1/coverage/siting?lat=45&lng=-30')).body.error.code).toBe('geo.no_region');
    expect((await get('/v1/coverage/siting?lat=45&lng=-30')).status).toBe(422);
    expect((await get('/v1/coverage/siting?lat=91&lng=0')).body.error.code).toBe('geo.out_of_range');
    expect((await get('/v1/coverage/siting?lat=48.8')).status).toBe(400);
  });

  it('takes a bbox across the antimeridian, cuts hexes lying across it in two, and covers points on either side', async () => {
    const fiji = await get('/v1/coverage/hexes?res=8&bbox=179.9,-16.6,-179.8,-16.4');
    expect(fiji.status).toBe(200);
    const ids = fiji.body.features.map((f: any) => f.id);
    expect(ids.sort()).toEqual(cells.slice(4).map((c) => cellToParent(c, 8)).sort());
    const across = fiji.body.features.find((f: any) => f.id === cellToParent(cells[4]!, 8));
    expect(across.geometry.type).toBe('MultiPolygon');
    for (const [ring] of across.geometry.coordinates) {
      const lngs = ring.map((p: number[]) => p[0]);
      expect(Math.max(...lngs) - Math.min(...lngs)).toBeLessThan(1);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
    }
    const hex = await get(`/v1/hexes/${cellToParent(cells[4]!, 8)}`);
    expect([hex.body.boundary.type, hex.body.hex.hotspotCount]).toEqual(['MultiPolygon', 1]);
    const points = await get('/v1/coverage/hotspots?bbox=179.9,-16.6,-179.8,-16.4');
    expect(points.body.data.map((p: any) => p.address).sort()).toEqual([keys[4]!.address, keys[5]!.address].sort());
    // 20 m east of a hotspot that is 10 m west of the antimeridian.
    const point = await get('/v1/coverage/point?lat=-16.5&lng=-179.9998');
    expect(point.body.covered).toBe(true);
    expect(point.body.nearest[0]).toMatchObject({ address: keys[4]!.address, interactive: true });
    expect(point.body.nearest[0].distanceM).toBeLessThan(100);
  });

  it('takes polygons with holes, either winding, altitudes, as a Feature, and one cut at the antimeridian', async () => {
    const post = (polygon: unknown) => get('/v1/coverage/hexes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ res: 8, polygon }) });
    const ids = (r: { body: any }) => r.body.features.map((f: any) => f.id);
    const outer = [[2.34, 48.85], [2.36, 48.85], [2.36, 48.865], [2.34, 48.865], [2.34, 48.85]];
    const paris = [cellToParent(cells[0]!, 8)];
    expect(ids(await post({ type: 'Polygon', coordinates: [outer] }))).toEqual(paris);
    // Clockwise is the same area, not the rest of the world.
    expect(ids(await post({ type: 'Polygon', coordinates: [[...outer].reverse()] }))).toEqual(paris);
    expect(ids(await post({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [outer.map(([lng, lat]) => [lng, lat, 35])] } }))).toEqual(paris);
    // Hexes are in when their centre is: a hole around the centre takes the hex out.
    const [cLat, cLng] = cellToLatLng(paris[0]!);
    const hole = [[cLng - 0.001, cLat - 0.001], [cLng + 0.001, cLat - 0.001], [cLng + 0.001, cLat + 0.001], [cLng - 0.001, cLat + 0.001], [cLng - 0.001, cLat - 0.001]];
    expect(ids(await post({ type: 'Polygon', coordinates: [outer, hole] }))).toEqual([]);
    const fiji = { type: 'MultiPolygon', coordinates: [[[[179.9, -16.6], [180, -16.6], [180, -16.4], [179.9, -16.4], [179.9, -16.6]]], [[[-180, -16.6], [-179.8, -16.6], [-179.8, -16.4], [-180, -16.4], [-180, -16.6]]]] };
    expect(ids(await post(fiji)).sort()).toEqual(cells.slice(4).map((c) => cellToParent(c, 8)).sort());
    const collection = await post({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [outer] } }] });
    expect([collection.status, collection.body.error.code]).toEqual([400, 'geo.invalid_polygon']);
    expect(collection.body.error.message).toContain('Polygon or MultiPolygon');
    const unclosed = await post({ type: 'Polygon', coordinates: [outer.slice(0, 4).concat([[2.341, 48.85]])] });
    expect([unclosed.status, unclosed.body.error.code]).toEqual([400, 'geo.invalid_polygon']);
  });

  it('counts every asserted hotspot once in the hexes at every resolution, as /v1/stats coverage does for the same snapshot', async () => {
    // A bbox around each group of sites, padded by two hex edges so every hex centre falls inside.
    const around = (sites: typeof SITES, res: number) => {
      const pad = (2 * getHexagonEdgeLengthAvg(res, 'km')) / 111;
      const lats = sites.map((s) => s.lat);
      const lngs = sites.map((s) => (s.lng < 0 && sites.some((o) => o.lng > 90) ? s.lng + 360 : s.lng));
      const wrap = (lng: number) => (lng > 180 ? lng - 360 : lng);
      const padLng = pad / Math.cos((Math.max(...lats.map(Math.abs)) * Math.PI) / 180);
      return [wrap(Math.min(...lngs) - padLng), Math.min(...lats) - pad, wrap(Math.max(...lngs) + padLng), Math.max(...lats) + pad].map((n) => n.toFixed(6)).join(',');
    };
    const check = async () => {
      const stats = (await get('/v1/stats')).body;
      for (let res = 4; res <= 10; res++) {
        const answers = await Promise.all([PARIS, FIJI].map((g) => get(`/v1/coverage/hexes?res=${res}&bbox=${around(g, res)}`)));
        for (const a of answers) expect(a.body.snapshotAt).toBe(stats.coverage.snapshotAt);
        const features = answers.flatMap((r) => r.body.features);
        expect(new Set(features.map((f: any) => f.id)).size, `res ${res}`).toBe(features.length);
        const sum = (k: string) => features.reduce((n: number, f: any) => n + f.properties[k], 0);
        expect([sum('hotspotCount'), sum('interactiveCount')], `res ${res}`).toEqual([stats.coverage.asserted, stats.coverage.interactive]);
      }
      expect(stats.hotspots.interactive).toBe(stats.coverage.interactive);
      return [stats.coverage.asserted, stats.hotspots.asserted];
    };
    expect(await check()).toEqual([SITES.length, SITES.length]);
    // A location asserted after the snapshot was built: the registry count has it at once, the
    // snapshot's counts (and the hexes) at the next snapshot.
    const late = keypairFromLabel(`coverage/${mode}/late`);
    const lateCell = latLngToCell(48.87, 2.36, 12);
    await node.ctx.database.sql`insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, location_cell, location_cell_res8, gain_dbi_x10, elevation_m, region, onboarded_at)
      values (${late.address}, ${Buffer.from(late.binaryKey)}, ${late.address}, '00000000-0000-0000-0000-000000000008', 'full', 'AA000000000000FF', ${lateCell}, ${cellToParent(lateCell, 8)}, 30, 5, 'EU868', now())`;
    expect(await check()).toEqual([SITES.length, SITES.length + 1]);
    clock.advance(node.config.COVERAGE_SNAPSHOT_TTL_MS);
    expect(await check()).toEqual([SITES.length + 1, SITES.length + 1]);
  });

  it('answers covered anywhere in a res-6..10 hex holding an interactive hotspot', async () => {
    for (let res = 6; res <= 10; res++) {
      const h3 = cellToParent(cells[2]!, res);
      const [cLat, cLng] = cellToLatLng(h3);
      for (const [lng, lat] of cellToBoundary(h3, true)) {
        // Each corner, a hair inside.
        const point = await get(`/v1/coverage/point?lat=${lat! + (cLat - lat!) * 0.01}&lng=${lng! + (cLng - lng!) * 0.01}`);
        expect(point.body.covered, `${h3} ${lat},${lng}`).toBe(true);
      }
    }
  });

  it('refuses bad geography with stable codes', async () => {
    expect((await get('/v1/coverage/hexes?res=8&bbox=1,2,3')).body.error.code).toBe('request.invalid');
    expect((await get('/v1/coverage/hexes?res=10&bbox=-20,30,40,60')).body.error.code).toBe('geo.bbox_too_large');
    // A bbox accepted at one resolution is still checked against the budget of another.
    expect((await get('/v1/coverage/hexes?res=4&bbox=-20,30,40,60')).status).toBe(200);
    expect((await get('/v1/coverage/hexes?res=10&bbox=-20,30,40,60')).body.error.code).toBe('geo.bbox_too_large');
    expect((await get('/v1/coverage/hexes?res=12&bbox=2.3,48.8,2.4,48.9')).status).toBe(400);
    for (const res of ['3', '11', '8.5', '', 'x']) expect((await get(`/v1/coverage/hexes?res=${res}&bbox=2.3,48.8,2.4,48.9`)).body.error.code, res).toBe('request.invalid');
    for (const path of ['/v1/coverage/hexes?res=8&bbox=', '/v1/coverage/hotspots?bbox=']) {
      for (const [bbox, code] of [['1,2,1,4', 'request.invalid'], ['1,4,3,2', 'request.invalid'], ['-1,2,,4', 'request.invalid'], ['NaN,1,2,3', 'request.invalid'], ['1,2,3,4,5', 'request.invalid'], ['0,0,1,91', 'geo.out_of_range'], ['181,0,182,1', 'geo.out_of_range']]) {
        expect((await get(path + bbox)).body.error.code, path + bbox).toBe(code);
      }
    }
    // Touching a pole is fine.
    expect((await get('/v1/coverage/hexes?res=4&bbox=-180,80,180,90')).body.features).toEqual([]);
    for (const [lat, lng] of [[90, 180], [-90, -180]]) expect((await get(`/v1/coverage/point?lat=${lat}&lng=${lng}`)).body.covered).toBe(false);
    for (const [lat, lng] of [['90.000001', '0'], ['0', '-180.000001']]) expect((await get(`/v1/coverage/point?lat=${lat}&lng=${lng}`)).body.error.code).toBe('geo.out_of_range');
    for (const [lat, lng] of [['', '1'], ['abc', '1'], ['1', '']]) expect((await get(`/v1/coverage/point?lat=${lat}&lng=${lng}`)).body.error.code).toBe('request.invalid');
    expect((await get('/v1/hexes/not-a-cell')).body.error.code).toBe('geo.invalid_h3');
    expect((await get('/v1/coverage/point?lat=95&lng=0')).body.error.code).toBe('geo.out_of_range');
    const bad = await get('/v1/coverage/hexes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ res: 8, polygon: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] } }) });
    expect(bad.body.error.code).toBe('geo.invalid_polygon');
  });

  it('leaves hotspots flagged in the latest analysed epoch out of the density and the interactive set, as the rewarder does (FRAUD_POLICY=exclude)', async () => {
    const { sql } = node.ctx.database;
    const status = async (i: number) => (await get(`/v1/hotspots/${keys[i]!.address}`)).body.status as { interactive: boolean; transmitScale: number };
    expect([await status(0), await status(1)]).toMatchObject([{ interactive: true, transmitScale: 0.5 }, { interactive: true, transmitScale: 0.5 }]);
    // Flagged in the epoch before; the verifier has analysed through its end.
    await sql`insert into fraud_flags (epoch, hotspot_address, kind, score, evidence) values (${EPOCH - 1}, ${keys[1]!.address}, 'gaming_ring', 0.9, '{}')`;
    await sql`insert into verifier_cursors (name, value_ms) values ('fraud_analysis', ${EPOCH * 86_400_000}) on conflict (name) do update set value_ms = excluded.value_ms`;
    clock.advance(node.config.COVERAGE_SNAPSHOT_TTL_MS + 1);
    expect([await status(0), await status(1)]).toMatchObject([{ interactive: true, transmitScale: 1 }, { interactive: false, transmitScale: 0.2 }]);
    // Flags of an older epoch than the latest analysed one no longer count.
    await sql`update verifier_cursors set value_ms = ${(EPOCH + 1) * 86_400_000} where name = 'fraud_analysis'`;
    clock.advance(node.config.COVERAGE_SNAPSHOT_TTL_MS + 1);
    expect([await status(0), await status(1)]).toMatchObject([{ interactive: true, transmitScale: 0.5 }, { interactive: true, transmitScale: 0.5 }]);
    await sql`delete from fraud_flags where hotspot_address = ${keys[1]!.address}`;
  });
});
