/**
 * Structured JSON logs (pino). Every service gets a child logger with its name, and Fastify adds a
 * request id to each request's child logger, so one grep follows a request or a service.
 */
import { pino, type Logger } from 'pino';
import type { Config } from './config/config';

export type { Logger };

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, name = 'coverage'): Logger {
  return pino({
    name,
    level: config.LOG_LEVEL,
    timestamp: pino.stdTimeFunctions.isoTime,
    // Never let credentials reach the logs even if a handler logs a whole request.
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.secretKey', '*.apiKey'], censor: '[redacted]' },
  });
}
