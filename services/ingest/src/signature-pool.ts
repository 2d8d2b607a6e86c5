/**
 * Signature checks off the main thread. Verifying a report's ed25519 signature is most of what
 * intake costs (about two thirds of the main thread's time when it verified inline); on worker
 * threads it overlaps with what only the main thread can do (HTTP, decoding, key lookups, the
 * batched insert and the acks), so a second core speeds intake up instead of idling.
 *
 * Checks arriving in the same turn of the event loop (one HTTP batch, or report frames of many
 * sessions) go to the workers together, packed into one transferred buffer per worker, so a
 * single-report frame does not pay a thread round trip of its own. With no worker threads
 * configured, or if a worker fails, checks run inline with the same verdicts.
 */
import { Worker } from 'node:worker_threads';
import { verify } from '@cov/shared/helium/keys';
import type { Logger } from '@cov/shared/logger';
import type { Task } from '@cov/shared/runtime/task-runner';

export interface SignatureCheck {
  message: Uint8Array;
  signature: Uint8Array;
  /** Helium binary key, already checked (checkVerifyKey): verdicts say only whether the signature verifies. */
  binaryKey: Uint8Array;
}

export interface SignatureVerifier {
  /** One verdict per check, in order: true when the signature verifies. */
  verifyAll(checks: SignatureCheck[]): Promise<boolean[]>;
}

/** Verifies on the calling thread. */
export const inlineSignatureVerifier: SignatureVerifier = {
  verifyAll: async (checks) => checks.map(verifyOne),
};

function verifyOne(c: SignatureCheck): boolean {
  return verify(c.message, c.signature, c.binaryKey);
}

const ED25519_SIGNATURE_BYTES = 64;
const BINARY_KEY_BYTES = 33;
const RECORD_HEADER_BYTES = 4 + BINARY_KEY_BYTES + ED25519_SIGNATURE_BYTES;
/** Below this many checks per worker, splitting a flush across workers costs more than it saves. */
const MIN_CHECKS_PER_WORKER = 64;

interface Queued {
  checks: SignatureCheck[];
  resolve: (verdicts: boolean[]) => void;
}

interface InFlight {
  resolve: (verdicts: Uint8Array) => void;
  reject: (e: unknown) => void;
  checks: number;
}

class VerifyThread {
  readonly worker: Worker;
  readonly inFlight = new Map<number, InFlight>();
  outstandingChecks = 0;
  private nextId = 0;

  constructor(onExit: (thread: VerifyThread, error: unknown) => void) {
    // No TypeScript loader in the thread: the worker is plain JavaScript.
    this.worker = new Worker(new URL('./signature-worker.mjs', import.meta.url), { execArgv: [] });
    // Idle workers must not keep the process alive; stop() terminates them anyway.
    this.worker.unref();
    this.worker.on('message', ({ id, verdicts }: { id: number; verdicts: Uint8Array }) => {
      const job = this.inFlight.get(id);
      if (!job) return;
      this.inFlight.delete(id);
      this.outstandingChecks -= job.checks;
      job.resolve(verdicts);
    });
    this.worker.on('error', (e) => onExit(this, e));
    this.worker.on('exit', (code) => onExit(this, new Error(`signature worker exited with code ${code}`)));
  }

  run(buffer: ArrayBuffer, count: number): Promise<Uint8Array> {
    const id = this.nextId++;
    this.outstandingChecks += count;
    return new Promise((resolve, reject) => {
      this.inFlight.set(id, { resolve, reject, checks: count });
      this.worker.postMessage({ id, buffer, count }, [buffer]);
    });
  }

  failAll(error: unknown): void {
    for (const job of this.inFlight.values()) job.reject(error);
    this.inFlight.clear();
    this.outstandingChecks = 0;
  }
}

/** u32le length | binary key | signature | message, per check; checks must have 64-byte signatures. */
export function packChecks(checks: SignatureCheck[]): ArrayBuffer {
  let size = 0;
  for (const c of checks) size += RECORD_HEADER_BYTES + c.message.length;
  const out = Buffer.allocUnsafeSlow(size);
  let offset = 0;
  for (const c of checks) {
    out.writeUInt32LE(c.message.length, offset);
    out.set(c.binaryKey, offset + 4);
    out.set(c.signature, offset + 4 + BINARY_KEY_BYTES);
    out.set(c.message, offset + RECORD_HEADER_BYTES);
    offset += RECORD_HEADER_BYTES + c.message.length;
  }
  return out.buffer;
}

export class SignaturePool implements SignatureVerifier, Task {
  readonly name = 'ingest-signature-pool';
  private threads: VerifyThread[] = [];
  private queue: Queued[] = [];
  private flushScheduled = false;

  constructor(
    private readonly threadCount: number,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.threadCount; i++) this.threads.push(this.spawn());
  }

  /** Terminates the workers; later checks run inline. */
  async stop(): Promise<void> {
    const threads = this.threads;
    this.threads = [];
    await Promise.all(threads.map((t) => t.worker.terminate()));
    // Checks that were on a terminated thread are answered inline.
    for (const t of threads) t.failAll(new Error('signature pool stopped'));
  }

  verifyAll(checks: SignatureCheck[]): Promise<boolean[]> {
    if (checks.length === 0) return Promise.resolve([]);
    if (this.threads.length === 0) return inlineSignatureVerifier.verifyAll(checks);
    return new Promise((resolve) => {
      this.queue.push({ checks, resolve });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private spawn(): VerifyThread {
    return new VerifyThread((thread, error) => {
      const index = this.threads.indexOf(thread);
      if (index < 0) return; // terminated by stop(), or already replaced
      this.logger.error({ err: error }, 'signature worker failed; its checks run inline, and it is replaced');
      thread.failAll(error);
      this.threads[index] = this.spawn();
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const queued = this.queue;
    this.queue = [];
    const checks = queued.flatMap((q) => q.checks);
    void this.verifyOnThreads(checks)
      .catch(() => checks.map(verifyOne)) // never leave a request waiting: inline is always possible
      .then((verdicts) => {
        let offset = 0;
        for (const q of queued) {
          q.resolve(verdicts.slice(offset, offset + q.checks.length));
          offset += q.checks.length;
        }
      });
  }

  /** Splits the checks across the least busy workers; whatever a worker cannot answer is verified inline. */
  private async verifyOnThreads(checks: SignatureCheck[]): Promise<boolean[]> {
    const verdicts: boolean[] = new Array(checks.length).fill(false);
    const sendable: number[] = [];
    checks.forEach((c, i) => {
      // A wrong-length signature never verifies (verifyWithBinaryKey says the same).
      if (c.signature.length === ED25519_SIGNATURE_BYTES && c.binaryKey.length === BINARY_KEY_BYTES) sendable.push(i);
    });
    const threads = [...this.threads].sort((a, b) => a.outstandingChecks - b.outstandingChecks);
    if (threads.length === 0) return checks.map(verifyOne);
    const parts = Math.max(1, Math.min(threads.length, Math.floor(sendable.length / MIN_CHECKS_PER_WORKER)));
    const perPart = Math.ceil(sendable.length / parts);
    await Promise.all(
      threads.slice(0, parts).map(async (thread, p) => {
        const indexes = sendable.slice(p * perPart, (p + 1) * perPart);
        if (indexes.length === 0) return;
        const part = indexes.map((i) => checks[i]!);
        try {
          const answer = await thread.run(packChecks(part), part.length);
          indexes.forEach((i, j) => (verdicts[i] = answer[j] === 1));
        } catch {
          indexes.forEach((i) => (verdicts[i] = verifyOne(checks[i]!)));
        }
      }),
    );
    return verdicts;
  }
}
