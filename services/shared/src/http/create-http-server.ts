/**
 * Base Fastify server every HTTP service builds on: TypeBox type provider, request ids (taken from
 * x-request-id when a proxy sets one), structured logs, the one error handler, and the operational
 * routes every service answers: GET /health (the process is alive), GET /ready (its database and
 * queue backend answer) and GET /metrics (Prometheus), and requests counted and timed per route.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { FastifyRouteSchemaDef } from 'fastify/types/schema';
import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger';
import { AppError } from '../errors';
import { errorHandler, toErrorBody } from './error-handler';
import { findNonFiniteNumber, findUndecodableQuery, findUnstorableText } from './input-guards';
import { registerHttpMetrics } from './http-metrics';
import { withTimeout } from '../runtime/with-timeout';

export type HttpServer = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

export interface HttpServerOptions {
  logger: Logger;
  metrics: Registry;
  readiness: ReadinessCheck[];
  bodyLimitBytes: number;
  /** A readiness check that has not answered within this long counts as failed (default 2 s). */
  readinessTimeoutMs?: number;
}

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
    requestId: Type.String(),
  },
  { $id: 'ErrorResponse' },
);

const ajvCompilers = AjvCompiler();
type ExternalSchemas = Parameters<typeof ajvCompilers>[0];
type AjvCompilerOptions = { customOptions?: Record<string, unknown> } & Record<string, unknown>;
/** What Fastify calls per route and part (the compiler's own typings describe Ajv's compile instead). */
type RouteValidatorCompiler = (route: FastifyRouteSchemaDef<unknown>) => unknown;

/**
 * Query strings, path parameters and headers arrive as text, so their numbers, booleans and arrays
 * are coerced from it. A JSON body carries its own types: `"5"`, `true` or `"0x10"` where an integer
 * belongs is the client's mistake, so bodies are validated without coercion and such a field is a
 * 400 rather than a silently different number.
 */
function buildValidatorWithStrictBodies(externalSchemas: ExternalSchemas, options: AjvCompilerOptions = {}): RouteValidatorCompiler {
  const compilerFor = (opts: AjvCompilerOptions) => ajvCompilers(externalSchemas, opts) as unknown as RouteValidatorCompiler;
  const coercing = compilerFor(options);
  const strict = compilerFor({ ...options, customOptions: { ...options.customOptions, coerceTypes: false } });
  return (route) => {
    if (route.httpPart === 'body') return strict(route);
    if (route.httpPart === 'querystring') return coercing({ ...route, schema: closedQuerySchema(route.schema) });
    return coercing(route);
  };
}

/**
 * A query parameter the route does not take is a 400 naming it, on every route: a misspelt filter
 * (`?hotspot=` for `?address=`, `?from=` for `?start=`) was ignored, so the answer came unfiltered
 * and looked like the filtered one. A schema that says otherwise (`additionalProperties` set) keeps
 * its own rule.
 */
export function closedQuerySchema(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return schema;
  const object = schema as Record<string, unknown>;
  if (object.type !== 'object' || 'additionalProperties' in object) return schema;
  return { ...object, additionalProperties: false };
}

/** The query schema of a route that declares none: it takes no parameters. */
const NO_QUERY_PARAMETERS = Type.Object({});

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // discriminator: a union told apart by one property (an OpenAPI `discriminator` over `oneOf`)
    // is checked against the one member it names, so its errors are that member's.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false, discriminator: true } },
    schemaController: { compilersFactory: { buildValidator: buildValidatorWithStrictBodies as unknown as ValidatorFactory } },
    // A path parameter over maxParamLength, or a URL that does not decode, gets the usual error
    // body and a stable code rather than Fastify's own.
    frameworkErrors: errorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ErrorResponse);
  // Before any route or plugin, so every route of every service is counted (http-metrics.ts).
  registerHttpMetrics(app, options.metrics);
  // Routes hidden from the API description (health, metrics, the map's pages and assets, the
  // docs) are not part of it: a browser or a shared link may add parameters there.
  app.addHook('onRoute', (route) => {
    if (route.schema?.querystring === undefined && route.schema?.hide !== true) route.schema = { ...route.schema, querystring: NO_QUERY_PARAMETERS };
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(toErrorBody('request.not_found', `no route ${request.method} ${request.url.split('?')[0]}`, request.id));
  });
  // What the route schemas cannot say (input-guards.ts): a query string that does not decode and
  // text PostgreSQL cannot store are refused before validation, numbers type coercion made infinite
  // after it.
  // These hooks run on every request of every service, so they take Fastify's callback form: an
  // async hook costs a promise and a microtask hop per request for work that never waits.
  app.addHook('preValidation', (request, _reply, done) => {
    const undecodable = findUndecodableQuery(request.url);
    if (undecodable !== undefined) return done(new AppError('request.invalid', `${undecodable}: not valid percent-encoded UTF-8`, { field: undecodable }));
    const field = findUnstorableText(request.params, 'params') ?? findUnstorableText(request.query, 'querystring') ?? findUnstorableText(request.body, 'body');
    if (field !== undefined) return done(new AppError('request.invalid', `${field}: text must not hold NUL characters or lone UTF-16 surrogates`, { field }));
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const field = findNonFiniteNumber(request.params, 'params') ?? findNonFiniteNumber(request.query, 'querystring') ?? findNonFiniteNumber(request.body, 'body');
    if (field !== undefined) return done(new AppError('request.invalid', `${field}: must be a finite number`, { field }));
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });

  // Probes and scrapes come every few seconds from every health checker and Prometheus: their
  // requests are not logged (two info lines each drowned the logs); a failed readiness check is.
  const probeLogLevel = 'warn';
  app.get('/health', { logLevel: probeLogLevel, schema: { hide: true, response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get(
    '/ready',
    {
      logLevel: probeLogLevel,
      schema: {
        hide: true,
        response: {
          200: Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Type.Boolean()) }),
          503: Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Type.Boolean()) }),
        },
      },
    },
    async (request, reply) => {
      // Each check is bounded: a dependency that does not answer (a host that drops packets, a
      // command queued until Redis returns) is not ready, rather than a probe left hanging.
      const timeoutMs = options.readinessTimeoutMs ?? 2000;
      const bounded = async (r: ReadinessCheck): Promise<boolean> => {
        try {
          return await withTimeout(r.check(), timeoutMs, () => false);
        } catch {
          return false;
        }
      };
      const results = await Promise.all(options.readiness.map(async (r) => [r.name, await bounded(r)] as const));
      const checks = Object.fromEntries(results);
      const ready = results.every(([, ok]) => ok);
      if (!ready) request.log.warn({ checks }, 'not ready');
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    },
  );

  app.get('/metrics', { logLevel: probeLogLevel, schema: { hide: true } }, async (_request, reply) => {
    void reply.header('content-type', options.metrics.contentType);
    return options.metrics.metrics();
  });

  return app;
}
