/**
 * HTTP batch intake: POST /v1/ingest/beacons and /v1/ingest/witnesses, in protobuf (one message,
 * or a varint length-delimited batch) or JSON (one report or {reports: [...]}). Each report is
 * accepted or rejected on its own; the accepted ones of a request are stored together before the
 * answer, so a 200 means every accepted report is durable and a 503 means none of them is.
 */
import { Type } from 'typebox';
import { AppError, isAppError, type Result } from '@cov/shared/errors';
import type { Clock } from '@cov/shared/clock';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { splitDelimitedBatch } from '@cov/shared/helium/batch';
import { MAX_REPORT_BYTES } from '@cov/shared/helium/reports';
import { acceptReports, decodeReportBytes, decodeReportJson, type DecodedReport, type ReportKind } from './report-intake';
import type { HotspotKeyCache } from './hotspot-key-cache';
import type { ReportStore } from './report-store';
import type { SignatureVerifier } from './signature-pool';
import type { IngestTelemetry } from './telemetry';

export interface BatchRouteDeps {
  clock: Clock;
  cache: HotspotKeyCache;
  signatures: SignatureVerifier;
  store: ReportStore;
  telemetry: IngestTelemetry;
  maxBatchReports: number;
  maxMessageBytes: number;
}

const BatchAnswer = Type.Object(
  {
    accepted: Type.Array(Type.Object({ index: Type.Integer(), id: Type.String() })),
    rejected: Type.Array(Type.Object({ index: Type.Integer(), code: Type.String(), message: Type.String() })),
  },
  { $id: 'IngestBatchAnswer' },
);

function decodeBody(kind: ReportKind, contentType: string, body: unknown, deps: BatchRouteDeps): Result<DecodedReport>[] {
  if (Buffer.isBuffer(body)) {
    const delimited = contentType.includes('delimited');
    const messages = delimited
      ? splitDelimitedBatch(new Uint8Array(body), { maxMessages: deps.maxBatchReports, maxBytes: body.length, maxMessageBytes: Math.min(deps.maxMessageBytes, MAX_REPORT_BYTES) })
      : { ok: true as const, value: [new Uint8Array(body)] };
    if (!messages.ok) throw messages.error;
    return messages.value.map((m) => decodeReportBytes(kind, m));
  }
  const items = body !== null && typeof body === 'object' && Array.isArray((body as { reports?: unknown }).reports) ? (body as { reports: unknown[] }).reports : [body];
  if (items.length > deps.maxBatchReports) throw new AppError('request.too_large', `at most ${deps.maxBatchReports} reports per request`);
  return items.map((item) => decodeReportJson(kind, item));
}

export async function registerBatchRoutes(app: HttpServer, deps: BatchRouteDeps): Promise<void> {
  app.addSchema(BatchAnswer);
  // Protobuf bodies arrive as raw buffers; the body limit still applies.
  app.addContentTypeParser(['application/x-protobuf', 'application/x-protobuf-delimited'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  for (const [kind, path] of [['beacon', '/v1/ingest/beacons'], ['witness', '/v1/ingest/witnesses']] as const) {
    app.post(
      path,
      {
        schema: {
          tags: ['proof-of-coverage'],
          summary: `Submit ${kind} reports (Helium lora_${kind}_report_req_v1, protobuf or JSON)`,
          description:
            'application/x-protobuf: one message; with `; delimited=true` or application/x-protobuf-delimited: a varint length-delimited batch. application/json: one report or {"reports": [...]}. See services/ingest/PROTOCOL.md.',
          response: { 200: Type.Ref('IngestBatchAnswer'), 400: Type.Ref('ErrorResponse'), 413: Type.Ref('ErrorResponse'), 415: Type.Ref('ErrorResponse'), 503: Type.Ref('ErrorResponse') },
        },
      },
      async (request, reply) => {
        const contentType = request.headers['content-type'] ?? '';
        if (!/^application\/(x-protobuf|json)/.test(contentType)) {
          deps.telemetry.rejected.inc({ code: 'request.unsupported_media_type', transport: 'http' });
          throw new AppError('request.unsupported_media_type', 'send application/x-protobuf (optionally delimited) or application/json');
        }
        const receivedAtMs = deps.clock.nowMs();
        let decoded: Result<DecodedReport>[];
        try {
          decoded = decodeBody(kind, contentType, request.body, deps);
        } catch (e) {
          deps.telemetry.rejected.inc({ code: isAppError(e) ? e.code : 'request.invalid', transport: 'http' });
          throw e;
        }
        deps.telemetry.received.inc({ kind, transport: 'http' }, decoded.length);
        const okIndexes = decoded.flatMap((d, i) => (d.ok ? [i] : []));
        let accepted: Awaited<ReturnType<typeof acceptReports>>;
        try {
          // The key lookup and the store need the database; either failing is a retryable 503.
          accepted = await acceptReports(
            okIndexes.map((i) => (decoded[i] as { ok: true; value: DecodedReport }).value),
            receivedAtMs,
            deps,
          );
          await deps.store.store(accepted.flatMap((a) => (a.ok ? [a.value] : [])));
        } catch (e) {
          if (isAppError(e) && e.code === 'service.unavailable') void reply.header('retry-after', '1');
          throw e;
        }
        // Each request index's outcome: its decode failure, or what acceptReports said.
        const results = decoded.map((d): Result<{ id: string }> | undefined => (d.ok ? undefined : d));
        okIndexes.forEach((i, j) => (results[i] = accepted[j]!));
        const answer = { accepted: [] as { index: number; id: string }[], rejected: [] as { index: number; code: string; message: string }[] };
        results.forEach((r, index) => {
          if (!r) return;
          if (r.ok) answer.accepted.push({ index, id: r.value.id });
          else {
            answer.rejected.push({ index, code: r.error.code, message: r.error.message });
            deps.telemetry.rejected.inc({ code: r.error.code, transport: 'http' });
          }
        });
        return answer;
      },
    );
  }
}
