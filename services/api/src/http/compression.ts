/**
 * Compressed answers for every API route that builds its answer per request: a year of a
 * hotspot's rewards by epoch (~50 kB of JSON), a page of 500 hotspots, an org's packet log or a CSV
 * export shrink five- to tenfold, which is what an owner's app on a mobile connection waits for.
 * Answers the API keeps precompressed (coverage, `precompressed-answers.ts`) already carry their
 * Content-Encoding and go out as they are; small answers (under 1 kB) are not worth the CPU.
 * Brotli at quality 4 (@fastify/compress's default for dynamic content) when the client takes it,
 * else gzip. Request bodies are not decompressed: no client of ours sends them compressed, and a
 * body's size limit should bound what the server parses, not what it inflates.
 */
import compress from '@fastify/compress';
import type { HttpServer } from '@cov/shared/http/create-http-server';

/** Answers smaller than this go out uncompressed: the saving is a few hundred bytes at most. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

export async function registerCompression(scope: HttpServer): Promise<void> {
  await scope.register(compress, {
    global: true,
    globalDecompression: false,
    threshold: COMPRESSION_THRESHOLD_BYTES,
    encodings: ['br', 'gzip'],
  });
}
