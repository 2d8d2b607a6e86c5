/**
 * OpenAPI document (generated from the routes' TypeBox schemas by @fastify/swagger) and its UI at
 * /docs, served from the npm package's own assets (no CDN). Must be registered before routes.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { HttpServer } from './create-http-server';

export async function registerOpenApi(app: HttpServer): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Coverage network API',
        version: '1.0.0',
        description:
          'Hotspot registry, proof-of-coverage reports, rewards, coverage maps and packet routing. Errors are `{ error: { code, message }, requestId }` with stable dotted codes.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Maker, organisation or admin API key.' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
