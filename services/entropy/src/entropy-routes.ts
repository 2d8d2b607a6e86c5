// GET /v1/entropy/latest: the current entropy value, as JSON or as Helium's entropy_report_v1.
import { Type } from 'typebox';
import { AppError } from '@cov/shared/errors';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { Db } from '@cov/shared/db/client';
import { latestEntropy } from '@cov/shared/entropy/entropy-repository';
import { toEntropyView } from '@cov/shared/entropy/entropy-view';
import { encodeEntropyReport } from '@cov/shared/helium/reports';

export const EntropyView = Type.Object(
  {
    data: Type.String({ description: 'base64, 32 bytes' }),
    timestampSec: Type.Integer(),
    version: Type.Integer(),
    signature: Type.String({ description: 'base64 ed25519 signature by the oracle key over the encoded entropy_report_v1' }),
    validUntilMs: Type.Integer(),
    oracleKey: Type.String({ description: 'hex ed25519 public key of the oracle' }),
  },
  { $id: 'Entropy' },
);

export async function registerEntropyRoutes(app: HttpServer, deps: { db: Db; validityMs: number; oraclePublicKey: Uint8Array }): Promise<void> {
  app.addSchema(EntropyView);
  app.get(
    '/v1/entropy/latest',
    {
      schema: {
        tags: ['proof-of-coverage'],
        summary: 'Latest entropy value (beacons must embed a fresh one)',
        querystring: Type.Object({ format: Type.Union([Type.Literal('json'), Type.Literal('protobuf')], { default: 'json' }) }),
        // 400: a format it does not know, or a query parameter it does not take.
        response: { 200: Type.Ref('Entropy'), 400: Type.Ref('ErrorResponse'), 503: Type.Ref('ErrorResponse') },
      },
    },
    async (request, reply) => {
      const row = await latestEntropy(deps.db);
      if (!row) throw new AppError('service.unavailable', 'no entropy published yet; retry shortly');
      void reply.header('cache-control', 'no-store');
      if (request.query.format === 'protobuf') {
        // A Buffer body bypasses the JSON response schema and is sent as is.
        return reply.type('application/x-protobuf').send(Buffer.from(encodeEntropyReport({ data: row.data, timestampSec: row.timestampSec, version: row.version })));
      }
      return { ...toEntropyView(row, deps.validityMs), oracleKey: Buffer.from(deps.oraclePublicKey).toString('hex') };
    },
  );
}
