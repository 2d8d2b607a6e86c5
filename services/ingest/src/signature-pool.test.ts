import { afterEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import pino from 'pino';
import { createPrivateKey, sign as nativeSign } from 'node:crypto';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { inlineSignatureVerifier, SignaturePool, type SignatureCheck } from './signature-pool';

const signers = Array.from({ length: 5 }, (_, i) => keypairFromLabel(`test/signature-pool/${i}`));
// Node's native signer keeps hundreds of test signatures fast (the pure-JS one is much slower).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const privateKeys = signers.map((s) => createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, s.secretKey]), format: 'der', type: 'pkcs8' }));

/** Every third check is broken in a different way: tampered message, other key, short signature. */
function checks(count: number, salt = 0): SignatureCheck[] {
  return Array.from({ length: count }, (_, i) => {
    const signer = signers[i % signers.length]!;
    const message = Uint8Array.from({ length: 40 + (i % 90) }, (_, k) => (i * 31 + k + salt) & 0xff);
    const signature = new Uint8Array(nativeSign(null, message, privateKeys[i % signers.length]!));
    switch (i % 9) {
      case 3:
        return { message: Uint8Array.from(message, (b, k) => (k === 0 ? b ^ 1 : b)), signature, binaryKey: signer.binaryKey };
      case 6:
        return { message, signature, binaryKey: signers[(i + 1) % signers.length]!.binaryKey };
      case 8:
        return { message, signature: signature.subarray(0, 63), binaryKey: signer.binaryKey };
      default:
        return { message, signature, binaryKey: signer.binaryKey };
    }
  });
}

const expected = (cs: SignatureCheck[]) => cs.map((_, i) => ![3, 6, 8].includes(i % 9));

describe('SignaturePool', () => {
  let pool: SignaturePool | undefined;
  afterEach(async () => {
    await pool?.stop();
    pool = undefined;
  });

  it('gives the inline verdicts, split across threads', async () => {
    pool = new SignaturePool(2, pino({ level: 'silent' }));
    await pool.start();
    const batch = checks(700);
    const verdicts = await pool.verifyAll(batch);
    expect(verdicts).toEqual(expected(batch));
    expect(verdicts).toEqual(await inlineSignatureVerifier.verifyAll(batch));
  });

  it('answers many small concurrent calls each with their own verdicts, in order', async () => {
    pool = new SignaturePool(1, pino({ level: 'silent' }));
    await pool.start();
    const groups = Array.from({ length: 40 }, (_, g) => checks(1 + (g % 7), g));
    const answers = await Promise.all(groups.map((g) => pool!.verifyAll(g)));
    answers.forEach((a, g) => expect(a).toEqual(expected(groups[g]!)));
  });

  it('verifies inline when a worker dies mid-batch, and replaces the worker', async () => {
    pool = new SignaturePool(1, pino({ level: 'silent' }));
    await pool.start();
    const batch = checks(400);
    const answer = pool.verifyAll(batch);
    // Kill the worker while the batch is on it.
    const threads = () => (pool as unknown as { threads: { worker: Worker }[] }).threads;
    const first = threads()[0]!.worker;
    await new Promise((r) => setImmediate(r));
    await first.terminate();
    expect(await answer).toEqual(expected(batch));
    expect(threads()).toHaveLength(1);
    expect(threads()[0]!.worker.threadId).not.toBe(first.threadId);
    const next = checks(100, 1);
    expect(await pool.verifyAll(next)).toEqual(expected(next));
  });

  it('verifies inline with no threads, and after stop', async () => {
    const none = new SignaturePool(0, pino({ level: 'silent' }));
    await none.start();
    const batch = checks(30);
    expect(await none.verifyAll(batch)).toEqual(expected(batch));
    pool = new SignaturePool(1, pino({ level: 'silent' }));
    await pool.start();
    await pool.stop();
    expect(await pool.verifyAll(batch)).toEqual(expected(batch));
  });
});
