/**
 * Ingest throughput: signed witness reports stored per second through the HTTP batch endpoint
 * (decode, key lookup, signature check on INGEST_VERIFY_THREADS worker threads, batched insert,
 * ack), against a fresh PostgreSQL database, beside the raw ed25519 verify rate of the same
 * implementation on one core and on every core at once, measured in the same run. Aim: >= 0.7 x
 * the raw verify rate; with INGEST_VERIFY_THREADS > 0 ingest verifies on more than one core, so
 * the all-cores rate is the stricter baseline and both ratios are printed.
 * Also noted: the ingest process's CPU time per report (all its threads), which unlike the rates
 * does not depend on what else the machine is running.
 */
import { createPrivateKey, createPublicKey, sign as nativeSign } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '@cov/shared/config/config';
import { connectDatabase } from '@cov/shared/db/client';
import { applyMigrations } from '@cov/shared/db/migrate';
import { keypairFromLabel, verify, type Keypair } from '@cov/shared/helium/keys';
import { encodeWitnessReport, witnessReportSigningBytes, timestampNsFromMs, type WitnessReport } from '@cov/shared/helium/reports';
import { encodeDelimitedBatch } from '@cov/shared/helium/batch';
import { processCpuMs } from '@cov/shared/runtime/proc-cpu';
import { createBenchDatabase } from '../bench-database';
import type { BenchSuite } from '../bench-suite';
import { freePort, startProcess, stopProcess } from '../server-process';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** CPU seconds (user + system, all threads) a Linux process has used so far; undefined elsewhere. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  const ms = pid === undefined ? undefined : processCpuMs(pid);
  return ms === undefined ? undefined : ms / 1000;
}

function rawVerifyRate(kp: Keypair, seconds: number): number {
  const message = new Uint8Array(200).fill(7);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, kp.secretKey]), format: 'der', type: 'pkcs8' });
  const signature = new Uint8Array(nativeSign(null, message, privateKey));
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < seconds * 1000) {
    for (let i = 0; i < 100; i++) verify(message, signature, kp.binaryKey);
    n += 100;
  }
  return n / ((performance.now() - start) / 1000);
}

/**
 * The same native verify on every core at once (one worker thread per core): the ceiling for an
 * ingest that verifies on all the machine's cores, so its ratio to this is the stricter one.
 */
async function rawVerifyRateAllCores(kp: Keypair, seconds: number): Promise<{ threads: number; rate: number }> {
  const threads = availableParallelism();
  const message = new Uint8Array(200).fill(7);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, kp.secretKey]), format: 'der', type: 'pkcs8' });
  const signature = nativeSign(null, message, privateKey);
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { createPublicKey, verify } = require('node:crypto');
    const key = createPublicKey({ key: Buffer.from(workerData.spki), format: 'der', type: 'spki' });
    const message = Buffer.from(workerData.message), signature = Buffer.from(workerData.signature);
    const start = performance.now(); let n = 0;
    while (performance.now() - start < workerData.ms) { for (let i = 0; i < 100; i++) verify(null, message, key, signature); n += 100; }
    parentPort.postMessage(n / ((performance.now() - start) / 1000));`;
  const rates = await Promise.all(
    Array.from({ length: threads }, () =>
      new Promise<number>((resolve, reject) => {
        const worker = new Worker(code, { eval: true, workerData: { spki, message, signature, ms: seconds * 1000 } });
        worker.once('message', (rate: number) => resolve(rate));
        worker.once('error', reject);
      }),
    ),
  );
  return { threads, rate: rates.reduce((a, b) => a + b, 0) };
}

export const suite: BenchSuite = {
  name: 'ingest',
  description: 'signed reports stored per second via HTTP batches vs raw ed25519 verify',
  async run(ctx) {
    const config = loadConfig();
    const reports = Math.max(2000, Math.round(40_000 * ctx.scale));
    const hotspots = Array.from({ length: 500 }, (_, i) => keypairFromLabel(`bench/ingest/${i}`));
    const baseline = rawVerifyRate(hotspots[0]!, 2);
    ctx.log(`raw verify: ${Math.round(baseline)}/s`);
    const allCores = await rawVerifyRateAllCores(hotspots[0]!, 2);
    ctx.log(`raw verify on ${allCores.threads} threads at once: ${Math.round(allCores.rate)}/s`);

    const benchDb = await createBenchDatabase('ingest');
    const url = benchDb.url;
    try {
      const setup = connectDatabase(url, { maxConnections: 2 });
      await applyMigrations(setup.db);
      await setup.sql`insert into makers (id, name, created_at) values ('00000000-0000-0000-0000-000000000001', 'bench', now())`;
      for (const [i, h] of hotspots.entries()) {
        await setup.sql`insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, onboarded_at)
          values (${h.address}, ${Buffer.from(h.binaryKey)}, ${h.address}, '00000000-0000-0000-0000-000000000001', 'full', ${i.toString(16).padStart(16, '0')}, now())`;
      }
      await setup.close();

      ctx.log(`signing ${reports} witness reports...`);
      const privateKeys = hotspots.map((h) => createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, h.secretKey]), format: 'der', type: 'pkcs8' }));
      const encoded: Uint8Array[] = [];
      for (let i = 0; i < reports; i++) {
        const h = i % hotspots.length;
        const unsigned = {
          pubKeyBinary: hotspots[h]!.binaryKey,
          data: new Uint8Array(51).fill(i % 251),
          timestampNs: timestampNsFromMs(1_700_000_000_000 + i),
          tmst: i,
          signalDbmX10: -1000 - (i % 200),
          snrDbX10: 40,
          frequencyHz: 867_100_000,
          datarate: 'SF12BW125' as const,
        };
        const signature = new Uint8Array(nativeSign(null, witnessReportSigningBytes(unsigned), privateKeys[h]!));
        encoded.push(encodeWitnessReport({ ...unsigned, signature } as WitnessReport));
      }
      const batchSize = 500;
      const bodies: Blob[] = [];
      for (let i = 0; i < encoded.length; i += batchSize) bodies.push(new Blob([encodeDelimitedBatch(encoded.slice(i, i + batchSize)) as Uint8Array<ArrayBuffer>]));

      // The ingest service runs in its own process, as in production; this one only sends. Its
      // signature threads follow INGEST_VERIFY_THREADS of this process's settings (0: inline).
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const server = await startProcess(
        ['--import', 'tsx', 'services/app/src/main.ts', 'ingest'],
        { DATABASE_URL: url, PORT: String(port), GWMP_PORT: '0', LOG_LEVEL: 'warn', DB_POOL_MAX: '8', DATA_DIR: '/tmp/cov-bench', INGEST_VERIFY_THREADS: String(config.INGEST_VERIFY_THREADS) },
        `${baseUrl}/health`,
      );
      try {
        let next = 0;
        let stored = 0;
        const cpuBefore = processCpuSeconds(server.pid);
        const started = performance.now();
        const worker = async () => {
          while (next < bodies.length) {
            const body = bodies[next++]!;
            const res = await fetch(`${baseUrl}/v1/ingest/witnesses`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf-delimited' }, body });
            const answer = (await res.json()) as { accepted: unknown[] };
            stored += answer.accepted.length;
          }
        };
        await Promise.all([worker(), worker(), worker(), worker()]);
        const seconds = (performance.now() - started) / 1000;
        const cpuAfter = processCpuSeconds(server.pid);
        const cpuUsPerReport = cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) * 1e6) / reports : undefined;
        ctx.log(`stored ${stored} of ${reports} in ${seconds.toFixed(2)} s`);
        if (cpuUsPerReport !== undefined) ctx.log(`ingest process CPU: ${cpuUsPerReport.toFixed(0)} us/report (raw verify: ${(1e6 / baseline).toFixed(0)} us)`);
        return [
          {
            name: 'signed witness reports stored (HTTP batches of 500, 4 in flight)',
            value: stored / seconds,
            unit: 'reports/s',
            baselineName: 'raw ed25519 verify, same implementation, one core',
            baselineValue: baseline,
            aim: '>= 0.7 x baseline',
            notes: `${reports} reports, INGEST_VERIFY_THREADS=${config.INGEST_VERIFY_THREADS}${cpuUsPerReport !== undefined ? `, ingest process CPU ${cpuUsPerReport.toFixed(0)} us/report` : ''}`,
          },
          {
            name: 'same run, against the raw verify rate of every core at once',
            value: stored / seconds,
            unit: 'reports/s',
            baselineName: `raw ed25519 verify, same implementation, ${allCores.threads} threads at once`,
            baselineValue: allCores.rate,
            aim: '>= 0.7 x baseline (stricter reading: ingest verifies on all cores)',
          },
        ];
      } finally {
        await stopProcess(server);
      }
    } finally {
      await benchDb.drop();
    }
  },
};
