/**
 * The coverage vector tiles over HTTP: TileJSON, a tile a map client decodes into the same hexes
 * the hex list gives, compression and revalidation, 204 for an empty tile, 400 for no tile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToParent, latLngToCell } from 'h3-js';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { tileBbox } from './coverage-tiles';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const Z = 10;
// The tile at zoom 10 holding central Lyon.
const X = Math.floor(((4.84 + 180) / 360) * 2 ** Z);
const Y = Math.floor(((1 - Math.log(Math.tan((45.76 * Math.PI) / 180) + 1 / Math.cos((45.76 * Math.PI) / 180)) / Math.PI) / 2) * 2 ** Z);

// PostgreSQL and embedded: Redis plays no part in what is read here.
describe.each(['postgres', 'embedded'] as const)('coverage vector tiles over HTTP (%s)', (mode) => {
  let node: TestNode;
  const raw = (path: string, headers: Record<string, string> = {}) => fetch(`${node.httpBaseUrl}${path}`, { headers });

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock: new ManualClock(NOW) });
    const { sql } = node.ctx.database;
    await sql`insert into makers (id, name, created_at) values ('00000000-0000-0000-0000-000000000027', 'm', now())`;
    for (let i = 0; i < 12; i++) {
      const k = keypairFromLabel(`tiles/${mode}/${i}`);
      const cell = latLngToCell(45.755 + (i % 4) * 0.004, 4.835 + Math.floor(i / 4) * 0.005, 12);
      await sql`insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, location_cell, location_cell_res8, gain_dbi_x10, elevation_m, region, country_code, location_asserted_at, onboarded_at)
        values (${k.address}, ${Buffer.from(k.binaryKey)}, ${k.address}, '00000000-0000-0000-0000-000000000027', 'full', ${`CC${String(i).padStart(14, '0')}`}, ${cell}, ${cellToParent(cell, 8)}, 30, 5, 'EU868', 'FR', now(), now())`;
    }
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('publishes TileJSON with the tile URL template and both layers', async () => {
    const r = await raw('/v1/coverage/tiles.json');
    expect(r.status).toBe(200);
    const tj = await r.json();
    expect(tj).toMatchObject({ tilejson: '3.0.0', scheme: 'xyz', minzoom: 0, maxzoom: 18, tiles: [`${node.httpBaseUrl}/v1/coverage/tiles/{z}/{x}/{y}.mvt`] });
    expect(tj.vector_layers.map((l: { id: string }) => l.id)).toEqual(['hexes', 'hotspots']);
  });

  it('serves a tile whose hexes are those the hex list gives, compressed, revalidated by ETag', async () => {
    const r = await raw(`/v1/coverage/tiles/${Z}/${X}/${Y}.mvt`, { 'accept-encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    expect(r.headers.get('content-encoding')).toBe('gzip');
    // fetch has undone the gzip already, as a browser does.
    const tile = new VectorTile(new PbfReader(Buffer.from(await r.arrayBuffer())));
    const fromTile = Array.from({ length: tile.layers.hexes!.length }, (_, i) => tile.layers.hexes!.feature(i).properties)
      .map((p) => [p.h3, p.hotspotCount])
      .sort();
    const [w, s, e, n] = tileBbox(Z, X, Y);
    const listed = (await (await raw(`/v1/coverage/hexes?res=8&bbox=${w},${s},${e},${n}`)).json()).features.map((f: { properties: { h3: string; hotspotCount: number } }) => [f.properties.h3, f.properties.hotspotCount]).sort();
    expect(listed.length).toBeGreaterThan(0);
    expect(fromTile).toEqual(listed);
    expect(tile.layers.hotspots!.length).toBe(12);

    const etag = r.headers.get('etag')!;
    expect((await raw(`/v1/coverage/tiles/${Z}/${X}/${Y}.mvt`, { 'if-none-match': etag })).status).toBe(304);
    // Asked for at another resolution: another tile.
    const fine = new VectorTile(new PbfReader(Buffer.from(await (await raw(`/v1/coverage/tiles/${Z}/${X}/${Y}.mvt?res=10`, { 'accept-encoding': 'identity' })).arrayBuffer())));
    expect(fine.layers.hexes!.feature(0).properties.res).toBe(10);
  });

  it('answers 204 for a tile with nothing in it, and 400 for a tile that does not exist', async () => {
    const empty = await raw('/v1/coverage/tiles/4/0/0.mvt');
    expect(empty.status).toBe(204);
    expect((await empty.arrayBuffer()).byteLength).toBe(0);
    for (const bad of ['19/0/0', '2/4/0', '2/0/-1', '2/0/x', '1.5/0/0']) {
      const r = await raw(`/v1/coverage/tiles/${bad}.mvt`);
      expect([r.status, (await r.json()).error.code], bad).toEqual([400, 'request.invalid']);
    }
    expect((await raw(`/v1/coverage/tiles/${Z}/${X}/${Y}.mvt?res=3`)).status).toBe(400);
    expect((await raw(`/v1/coverage/tiles/${Z}/${X}/${Y}.png`)).status).toBe(404);
  });
});
