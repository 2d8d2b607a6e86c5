import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@cov/shared/config/config';
import { createLogger } from '@cov/shared/logger';
import { serviceNames } from '@cov/shared/runtime/service';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import SwaggerParser from '@apidevtools/swagger-parser';
import { startNode } from './compose';
import { STARTING_POINTS } from './api-index-route';
import { allTestModes, startTestNode } from './testing/test-node';

describe('the embedded default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cov-node-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({ PORT: '0', GWMP_PORT: '0', DATA_DIR: dataDir });
  const logger = createLogger({ LOG_LEVEL: 'silent' });

  it('runs every service on PGlite under DATA_DIR, keeps data across restarts and generates its keys once', async () => {
    expect(config.mode).toBe('embedded');
    const first = await startNode(config, { services: serviceNames, logger });
    const adminKey = first.ctx.adminApiKey;
    try {
      expect((await fetch(`${first.httpBaseUrl}/health`)).status).toBe(200);
      const ready = await (await fetch(`${first.httpBaseUrl}/ready`)).json();
      expect(ready).toEqual({ status: 'ready', checks: { database: true, queue: true } });
      const res = await fetch(`${first.httpBaseUrl}/v1/admin/makers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ name: 'Persistent Maker' }),
      });
      expect(res.status).toBe(201);
      expect(first.describe().join('\n')).toContain(`${first.httpBaseUrl}/docs`);
    } finally {
      await first.stop();
    }
    const second = await startNode(config, { services: serviceNames, logger });
    try {
      expect(second.ctx.adminApiKey).toBe(adminKey);
      const dup = await fetch(`${second.httpBaseUrl}/v1/admin/makers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ name: 'Persistent Maker' }),
      });
      // The maker written before the restart is still there.
      expect(dup.status).toBe(409);
    } finally {
      await second.stop();
    }
  });
});

describe.each(allTestModes)('operational endpoints (%s)', (mode) => {
  it('answers /ready, /metrics and a valid OpenAPI 3.1 document listing the routes', async () => {
    const node = await startTestNode(mode);
    try {
      expect((await (await fetch(`${node.httpBaseUrl}/ready`)).json()).status).toBe('ready');
      const metrics = await (await fetch(`${node.httpBaseUrl}/metrics`)).text();
      expect(metrics).toMatch(/^# HELP /m);
      await fetch(`${node.httpBaseUrl}/v1/hotspots/${keypairFromLabel('x').address}`);
      // The start banner names <base>/v1 as the API: trying it says where to go (it was a 404).
      const index = await fetch(`${node.httpBaseUrl}/v1`);
      expect(index.status).toBe(200);
      const indexBody = await index.json();
      expect(indexBody).toEqual({ services: node.modules.map((m) => m.name), docs: '/docs', openapi: '/docs/json', health: '/health', ready: '/ready', metrics: '/metrics', start: STARTING_POINTS });
      expect((await fetch(`${node.httpBaseUrl}${indexBody.openapi}`)).status).toBe(200);
      const doc = await (await fetch(`${node.httpBaseUrl}/docs/json`)).json();
      // Each user's starting points are routes this node serves: in the OpenAPI document with
      // that method (a WebSocket by its GET upgrade), or a page that answers.
      const startingPoints = Object.values(indexBody.start as typeof STARTING_POINTS).flat();
      expect(startingPoints.length).toBeGreaterThan(10);
      for (const { method, path } of startingPoints) {
        if (method === 'page') expect((await fetch(`${node.httpBaseUrl}${path}`)).status, path).toBe(200);
        else {
          // A starting point may name a query parameter (`?maker={makerId}`): the route takes it.
          const [route, query] = path.split('?') as [string, string | undefined];
          const operation = method === 'WebSocket' ? 'get' : method.toLowerCase();
          expect(Object.keys(doc.paths[route] ?? {}), `${method} ${path}`).toContain(operation);
          if (query) expect(doc.paths[route][operation].parameters.map((p: { name: string }) => p.name), path).toContain(query.split('=')[0]);
        }
      }
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/hotspots', '/v1/hotspots/{address}', '/v1/hotspots/{address}/location', '/v1/owners/{owner}/hotspots']));
      expect(doc.components.schemas).toHaveProperty('Hotspot');
      // The WebSocket feeds written up for clients are documented (the plugin hides them all);
      // the hotspot ingest session is not (its protocol has its own document).
      expect(doc.paths['/v1/stream']?.get?.description).toContain('WebSocket');
      expect(doc.paths['/v1/orgs/{orgId}/stream']?.get?.parameters?.length).toBeGreaterThan(0);
      expect(doc.paths).not.toHaveProperty('/v1/ingest/session');
      // JSON is what the document describes; a route that also answers CSV says so on its format
      // parameter, and a paged one where the next page's cursor goes.
      const formats = Object.entries(doc.paths as Record<string, Record<string, { parameters?: { name: string; description?: string; schema?: unknown }[] }>>).flatMap(([path, ops]) =>
        Object.values(ops).flatMap((op) =>
          (op.parameters ?? []).filter((p) => p.name === 'format' && JSON.stringify(p.schema).includes('"csv"')).map((p) => ({ path, description: p.description ?? '' })),
        ),
      );
      expect(formats.map((f) => f.path)).toEqual(expect.arrayContaining(['/v1/hotspots/{address}/pocs', '/v1/hotspots/{address}/rewards', '/v1/owners/{owner}/rewards']));
      for (const f of formats) expect(f.description, f.path).toContain('text/csv');
      expect(formats.find((f) => f.path === '/v1/hotspots/{address}/pocs')?.description).toContain('x-next-cursor');
      // What every route shares is said once: the error shape with its details, rate limits.
      expect(doc.info.description).toContain('details?');
      expect(doc.info.description).toContain('429 `request.rate_limited`');
      // A witness refused because of its beacon says so, not as if the witnessing hotspot failed.
      expect(doc.components.schemas.PocWitness.properties.reason.description).toContain('details.side = "beaconer"');
      // Coverage figures say what window they count over.
      const hexProps = doc.components.schemas.HexFeatureCollection.properties.features.items.properties.properties.properties;
      for (const field of ['pocCount', 'interactiveCount', 'bestRssiDbm']) expect(hexProps[field].description, field).toContain('60 h before snapshotAt');
      // A structurally valid OpenAPI 3.1 document whose $refs all resolve.
      await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
      expect((await fetch(`${node.httpBaseUrl}/docs`)).status).toBe(200);
    } finally {
      await node.destroy();
    }
  });
});
