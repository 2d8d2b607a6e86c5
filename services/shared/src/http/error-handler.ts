/**
 * The one mapping from errors to HTTP answers: `{ error: { code, message, details? }, requestId }`.
 * AppErrors carry their own status; Fastify's schema failures become 400 `request.invalid` naming
 * the failing field; anything unexpected is logged in full and answered as a bare 500 that leaks
 * nothing about internals.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError, type ErrorCode } from '../errors';

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
  requestId: string;
}

const fastifyCodeMap: Record<string, { code: ErrorCode; status: number }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'request.too_large', status: 413 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'request.unsupported_media_type', status: 415 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'request.invalid', status: 400 },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'request.invalid', status: 400 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'request.invalid', status: 400 },
  // Framework errors (create-http-server.ts `frameworkErrors`): a URL that does not decode, and a
  // path parameter longer than Fastify's maxParamLength (100), which no id or address reaches.
  FST_ERR_BAD_URL: { code: 'request.invalid', status: 400 },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'request.invalid', status: 400 },
};

export function toErrorBody(code: string, message: string, requestId: string, details?: Record<string, unknown>): ErrorBody {
  return details ? { error: { code, message, details }, requestId } : { error: { code, message }, requestId };
}

/**
 * The values a choice parameter takes (`bucket`, `role`, `format`, ...), when that is what failed:
 * a union of literals fails with one "must be equal to constant" per literal, which named none of
 * them, so a user sending bucket=month could not learn that epoch, day and week are the choices.
 */
function allowedValues(errors: NonNullable<FastifyError['validation']>, instancePath: string | undefined): unknown[] | undefined {
  const consts = errors.filter((e) => e.instancePath === instancePath && e.keyword === 'const');
  if (consts.length === 0 || errors[0]?.keyword !== 'const') return undefined;
  return consts.map((e) => (e.params as { allowedValue?: unknown }).allowedValue);
}

export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  // Set here as well as in the server's onSend hook: Fastify answers its framework errors (a path
  // parameter over 100 characters, an undecodable URL) before any hook of a route has run.
  void reply.header('x-request-id', request.id);
  if (isAppError(error)) {
    if (error.httpStatus >= 500) request.log.error({ err: error }, 'request failed');
    void reply.status(error.httpStatus).send(toErrorBody(error.code, error.message, request.id, error.details));
    return;
  }
  const fe = error as FastifyError;
  if (fe.validation) {
    const first = fe.validation[0];
    const field = first ? `${fe.validationContext ?? 'request'}${first.instancePath || ''}` : fe.validationContext ?? 'request';
    // A missing property, one the schema does not take, or a discriminated union's tag (absent or
    // naming no member), is named as the field itself rather than the object holding it.
    const missing = (first?.params as { requiredProperties?: string[]; missingProperty?: string; additionalProperty?: string; tag?: string } | undefined);
    const fieldName = missing?.missingProperty
      ? `${field}/${missing.missingProperty}`
      : missing?.requiredProperties
        ? `${field}/${missing.requiredProperties.join(',')}`
        : missing?.additionalProperty
          ? `${field}/${missing.additionalProperty}`
          : first?.keyword === 'discriminator' && missing?.tag
            ? `${field}/${missing.tag}`
            : field;
    const allowed = allowedValues(fe.validation, first?.instancePath);
    if (allowed) {
      void reply.status(400).send(toErrorBody('request.invalid', `${fieldName}: must be one of ${allowed.join(', ')}`, request.id, { field: fieldName, allowed }));
      return;
    }
    const message = missing?.additionalProperty ? `not a ${fe.validationContext === 'querystring' ? 'parameter' : 'field'} this route takes` : (first?.message ?? 'invalid');
    void reply.status(400).send(toErrorBody('request.invalid', `${fieldName}: ${message}`, request.id, { field: fieldName }));
    return;
  }
  const mapped = fe.code ? fastifyCodeMap[fe.code] : undefined;
  if (mapped) {
    void reply.status(mapped.status).send(toErrorBody(mapped.code, fe.message, request.id));
    return;
  }
  if (fe.statusCode === 429) {
    void reply.status(429).send(toErrorBody('request.rate_limited', fe.message, request.id));
    return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    void reply.status(fe.statusCode).send(toErrorBody('request.invalid', fe.message, request.id));
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  void reply.status(500).send(toErrorBody('internal.error', 'internal error', request.id));
}
