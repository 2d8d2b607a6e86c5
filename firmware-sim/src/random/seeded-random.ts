/**
 * Deterministic randomness for the simulator. Every stream is a ChaCha12 keystream (@noble/ciphers)
 * keyed by SHA-256 of the run seed and a label such as `hotspot/42/placement`, so a run is fully
 * determined by its seed, and adding one consumer does not shift the numbers every other consumer
 * draws: each concept forks its own labelled stream instead of sharing one sequence.
 */
import { chacha12 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';

const BLOCK_BYTES = 4096;
const NONCE = new Uint8Array(12);
const TWO_POW_32 = 2 ** 32;
const TWO_POW_53 = 2 ** 53;

export class SeededRandom {
  private readonly key: Uint8Array;
  private buffer = new Uint8Array(0);
  private view = new DataView(this.buffer.buffer);
  private offset = 0;
  /** ChaCha block counter of the next refill (2^32 blocks = 256 GiB per stream, far beyond any run). */
  private counter = 0;
  private spareNormal: number | undefined;

  constructor(
    readonly seed: string,
    readonly label: string = 'root',
  ) {
    this.key = sha256(new TextEncoder().encode(`cov-sim-random-v1|${seed}|${label}`));
  }

  /** An independent stream named `label` under the same seed (labels nest with '/'). */
  fork(label: string): SeededRandom {
    return new SeededRandom(this.seed, this.label === 'root' ? label : `${this.label}/${label}`);
  }

  private refill(): void {
    const blocks = BLOCK_BYTES / 64;
    this.buffer = chacha12(this.key, NONCE, new Uint8Array(BLOCK_BYTES), undefined, this.counter);
    this.counter += blocks;
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    this.offset = 0;
  }

  /** Uniform unsigned 32-bit integer. */
  uint32(): number {
    if (this.offset + 4 > this.buffer.length) this.refill();
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  next(): number {
    const high = this.uint32() >>> 5; // 27 bits
    const low = this.uint32() >>> 6; // 26 bits
    return (high * 67_108_864 + low) / TWO_POW_53;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max] (inclusive), without modulo bias. */
  int(min: number, max: number): number {
    const span = max - min + 1;
    if (!Number.isInteger(span) || span <= 0 || span > TWO_POW_32) throw new RangeError(`bad integer range ${min}..${max}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % span);
    for (;;) {
      const x = this.uint32();
      if (x < limit) return min + (x % span);
    }
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  standardNormal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  normal(mean: number, standardDeviation: number): number {
    return mean + standardDeviation * this.standardNormal();
  }

  /** Log-normal with the given median and σ of the underlying normal (natural log). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.standardNormal());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    let u = 0;
    while (u === 0) u = this.next();
    return -mean * Math.log(u);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly { value: T; weight: number }[]): T {
    const total = items.reduce((sum, item) => sum + item.weight, 0);
    if (!(total > 0)) throw new RangeError('weights must sum to a positive number');
    let target = this.next() * total;
    for (const item of items) {
      target -= item.weight;
      if (target < 0) return item.value;
    }
    return items[items.length - 1]!.value;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      if (this.offset >= this.buffer.length) this.refill();
      out[i] = this.buffer[this.offset++] as number;
    }
    return out;
  }
}
