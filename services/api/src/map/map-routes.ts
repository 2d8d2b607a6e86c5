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
import type { CoverageSnapshots, HotspotCoverage } from '../coverage/coverage-snapshot';
import { extentOf } from '../coverage/extent';

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
        description: 'minLng,minLat,maxLng,maxLat; minLng > maxLng when the smallest box holding them crosses the antimeridian (RFC 7946 §5.2), as for hotspots in Fiji on both sides of 180.',
        // 400: it takes no query parameter (a misspelt filter is refused, not ignored).
        response: { 200: Type.Object({ bbox: Type.Union([Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }), Type.Null()]), hotspots: Type.Integer() }), 400: Type.Ref('ErrorResponse') },
      },
    },
    async () => {
      const { hotspots } = await snapshots.get();
      if (hotspots.length === 0) return { bbox: null, hotspots: 0 };
      let extent = extents.get(hotspots);
      if (!extent) extents.set(hotspots, (extent = extentOf(hotspots)));
      return { bbox: extent, hotspots: hotspots.length };
    },
  );
}

// One extent per snapshot (its hotspot list), as working it out sorts every longitude.
const extents = new WeakMap<readonly HotspotCoverage[], number[]>();
