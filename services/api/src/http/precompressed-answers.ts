/**
 * Large answers that many clients ask for unchanged (coverage GeoJSON, ~100-300 KB) are kept
 * serialised as bytes together with their gzip and brotli forms and a weak ETag, all computed once
 * when the answer is first built. A request then costs a header lookup and a socket write of
 * bytes that already exist: no JSON encoding, no UTF-8 re-encoding, no per-request hashing (the
 * ETag plugin skips answers that already carry an ETag) and no per-request compression.
 *
 * Compression runs on the libuv thread pool (zlib's async API), so building an answer does not
 * stall the event loop for other requests; concurrent requests for an answer being built share
 * the one build.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { preferredCoding } from './accept-encoding';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * Brotli quality 5 when an answer is built: on coverage answers (130-310 KB of GeoJSON) 2-7 ms and
 * within 3 % of quality 9. Quality 11 is another ~25 % smaller but takes 0.3-0.9 s per answer, too
 * much to spend on every bbox every snapshot; it is spent, in the background, on answers that turn
 * out to be popular (see PrecompressedAnswers).
 */
const FAST_BROTLI_QUALITY = 5;
const BEST_BROTLI_QUALITY = 11;
const GZIP_LEVEL = 9;

const brotli = (identity: Buffer, quality: number) =>
  brotliAsync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: quality, [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT } });

export interface PrecompressedAnswer {
  contentType: string;
  identity: Buffer;
  gzip: Buffer;
  /** A popular answer is kept again with a smaller encoding of the same bytes. */
  br: Buffer;
  /** Weak: the gzip, brotli and identity forms are the same representation, semantically. */
  etag: string;
}

export async function precompress(identity: Buffer, contentType: string): Promise<PrecompressedAnswer> {
  const [gz, br] = await Promise.all([
    gzipAsync(identity, { level: GZIP_LEVEL }),
    brotli(identity, FAST_BROTLI_QUALITY),
  ]);
  return { contentType, identity, gzip: gz, br, etag: `W/"${createHash('sha1').update(identity).digest('base64url')}"` };
}

/** If-None-Match with weak comparison (RFC 9110 §13.1.2): a list of tags, or `*`. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

function addVary(reply: FastifyReply, field: string) {
  const existing = reply.getHeader('vary');
  if (!existing) return void reply.header('vary', field);
  const list = String(existing);
  if (!list.toLowerCase().split(',').some((f) => f.trim() === field || f.trim() === '*')) void reply.header('vary', `${list}, ${field}`);
}

/** Sends the form the client accepts best, with Vary, ETag and Cache-Control; 304 on a matching If-None-Match. */
export function sendPrecompressed(request: FastifyRequest, reply: FastifyReply, answer: PrecompressedAnswer, cacheControl: string): FastifyReply {
  addVary(reply, 'accept-encoding');
  void reply.header('cache-control', cacheControl).header('etag', answer.etag);
  if (matchesIfNoneMatch(request.headers['if-none-match'], answer.etag)) return reply.code(304).send();
  const coding = preferredCoding(request.headers['accept-encoding']);
  void reply.header('content-type', answer.contentType);
  if (coding === 'identity') return reply.send(answer.identity);
  return reply.header('content-encoding', coding).send(answer[coding]);
}

export interface PrecompressedAnswersOptions {
  maxEntries: number;
  maxBytes: number;
  /**
   * After this many requests for one kept answer, its brotli form is recompressed at the best
   * quality on the thread pool, one answer at a time. Once an answer goes to hundreds of clients
   * (a map's landing view), a quarter fewer bytes for each of them (egress, mobile load time,
   * the API's socket writes) outweighs one background compression.
   */
  upgradeAfterHits: number;
}

interface Kept {
  answer: PrecompressedAnswer;
  hits: number;
}

/**
 * Answers by key (the caller puts in the key everything the answer depends on, such as the
 * snapshot it was built from), bounded in entries and bytes.
 */
export class PrecompressedAnswers {
  private readonly ready: LRUCache<string, Kept>;
  private readonly building = new Map<string, Promise<PrecompressedAnswer>>();
  private readonly upgrades: string[] = [];
  private upgrading: Promise<void> | undefined;

  constructor(private readonly options: PrecompressedAnswersOptions) {
    this.ready = new LRUCache({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: ({ answer: a }) => a.identity.length + a.gzip.length + a.br.length + 64,
    });
  }

  /** The JSON answer for key, building it with build() only when not kept (once for concurrent callers). */
  json(key: string, build: () => unknown): PrecompressedAnswer | Promise<PrecompressedAnswer> {
    return this.bytes(key, 'application/json; charset=utf-8', () => Buffer.from(JSON.stringify(build())));
  }

  /** The same for an answer of any type, built as bytes (vector tiles). */
  bytes(key: string, contentType: string, build: () => Buffer): PrecompressedAnswer | Promise<PrecompressedAnswer> {
    const kept = this.ready.get(key);
    if (kept) {
      if (++kept.hits === this.options.upgradeAfterHits) this.scheduleUpgrade(key);
      return kept.answer;
    }
    let pending = this.building.get(key);
    if (!pending) {
      // Built synchronously so build() sees the state of the moment it was asked for.
      const body = build();
      pending = precompress(body, contentType)
        .then((answer) => {
          this.ready.set(key, { answer, hits: 1 });
          return answer;
        })
        .finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    return pending;
  }

  /** Resolves when no upgrade is queued or running (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.upgrading) await this.upgrading;
  }

  private scheduleUpgrade(key: string) {
    // Bounded: under a flood of distinct popular answers the extra ones simply stay at quality 5.
    if (this.upgrades.length >= 64) return;
    this.upgrades.push(key);
    this.upgrading ??= this.runUpgrades().finally(() => {
      this.upgrading = undefined;
    });
  }

  private async runUpgrades() {
    for (let key = this.upgrades.shift(); key !== undefined; key = this.upgrades.shift()) {
      const kept = this.ready.peek(key);
      if (!kept) continue; // evicted (or its snapshot replaced) meanwhile
      const br = await brotli(kept.answer.identity, BEST_BROTLI_QUALITY).catch(() => undefined);
      // Still the kept entry? Then replace it with the smaller form (the cache re-measures it).
      if (br && br.length < kept.answer.br.length && this.ready.peek(key) === kept) this.ready.set(key, { answer: { ...kept.answer, br }, hits: kept.hits });
    }
  }
}
