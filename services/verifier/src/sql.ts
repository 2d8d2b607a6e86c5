/**
 * The verifier talks to PostgreSQL through postgres.js directly: its queries are set-based (a whole
 * batch of beacons in one statement, rows passed as one jsonb array through jsonb_to_recordset),
 * which drizzle's builder cannot express. Bigint columns arrive as JS bigint; these helpers convert.
 */
import type postgres from 'postgres';

export type Queryable = postgres.Sql | postgres.TransactionSql;

export const toNumber = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v));
export const toNumberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : toNumber(v));

/** A jsonb parameter (sent as text so neither driver setting re-encodes it). */
export const jsonParam = (value: unknown): string => JSON.stringify(value);

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

export const bytes = (v: unknown): Uint8Array => (v instanceof Uint8Array ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(0));
