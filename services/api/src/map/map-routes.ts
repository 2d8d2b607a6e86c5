/**
 * GET /map: the coverage map page. Everything it loads is served from here: the page, Leaflet from
 * its npm package, and a country outline base layer built once from the bundled world-atlas data,
 * so it works with no internet access (no tile servers, no CDNs).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import { Type } from 'typebox';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { CoverageSnapshots } from '../coverage/coverage-snapshot';

const require = createRequire(import.meta.url);
const publicDir = join(dirname(fileURLToPath(import.meta.url)), 'public');
const leafletDir = dirname(require.resolve('leaflet/dist/leaflet.js'));

const assets: Record<string, { file: string; type: string }> = {
  'leaflet.js': { file: join(leafletDir, 'leaflet.js'), type: 'application/javascript; charset=utf-8' },
  'leaflet.css': { file: join(leafletDir, 'leaflet.css'), type: 'text/css; charset=utf-8' },
  'map.js': { file: join(publicDir, 'map.js'), type: 'application/javascript; charset=utf-8' },
  'map.css': { file: join(publicDir, 'map.css'), type: 'text/css; charset=utf-8' },
};

let countries: string | undefined;
function countriesGeoJson(): string {
  // 1:110m outlines: a light base layer (the 1:50m set is used for region lookup, not drawing).
  countries ??= JSON.stringify(feature(require('world-atlas/countries-110m.json') as Topology, (require('world-atlas/countries-110m.json') as Topology).objects.countries!));
  return countries;
}

export async function registerMapRoutes(app: HttpServer, snapshots: CoverageSnapshots): Promise<void> {
  app.get('/map', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(readFileSync(join(publicDir, 'index.html'))));

  app.get('/map/assets/:name', { schema: { hide: true, params: Type.Object({ name: Type.String() }) } }, async (request, reply) => {
    const asset = assets[request.params.name];
    if (!asset) return reply.callNotFound();
    return reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(readFileSync(asset.file));
  });

  app.get('/map/countries.geojson', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/geo+json').header('cache-control', 'public, max-age=86400').send(countriesGeoJson()),
  );

  app.get(
    '/v1/coverage/extent',
    {
      schema: {
        tags: ['coverage'],
        summary: 'Bounding box of all asserted hotspots (null when there are none)',
        response: { 200: Type.Object({ bbox: Type.Union([Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }), Type.Null()]), hotspots: Type.Integer() }) },
      },
    },
    async () => {
      const { hotspots } = await snapshots.get();
      if (hotspots.length === 0) return { bbox: null, hotspots: 0 };
      let [minLng, minLat, maxLng, maxLat] = [180, 90, -180, -90];
      for (const h of hotspots) {
        minLng = Math.min(minLng, h.lng);
        maxLng = Math.max(maxLng, h.lng);
        minLat = Math.min(minLat, h.lat);
        maxLat = Math.max(maxLat, h.lat);
      }
      return { bbox: [minLng, minLat, maxLng, maxLat], hotspots: hotspots.length };
    },
  );
}
