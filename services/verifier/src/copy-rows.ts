/**
 * Bulk writes with `COPY ... FROM STDIN` (text format). A batch writes ~5,000 witness verdicts;
 * as one jsonb document through jsonb_to_recordset PostgreSQL spent about twice the CPU of COPY
 * on them (parsing the whole document, then the upsert), and that write was the largest single
 * cost of verification.
 */
import { finished } from 'node:stream/promises';
import type { Queryable } from './sql';

export type CopyValue = string | number | boolean | null;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field in COPY's text format: `\N` for null, t/f, and backslash escapes in text. */
export function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`copyField: ${value} is not a finite number`);
    return String(value);
  }
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

/** One row: fields separated by tabs, ended by a newline. */
export function copyLine(values: readonly CopyValue[]): string {
  let line = copyField(values[0] ?? null);
  for (let i = 1; i < values.length; i++) line += `\t${copyField(values[i] ?? null)}`;
  return `${line}\n`;
}

/**
 * Runs `statement` (a `copy <table> (<columns>) from stdin`) with `text` as its data and resolves
 * once PostgreSQL has stored every row; rejects when it refused any.
 *
 * postgres.js (3.4.x) never settles a COPY stream that the server rejects after the data was
 * sent (porsager/postgres#1173): the error is dropped, and awaiting the stream would hang the
 * batch with its transaction open. So, once the data is flushed and the stream ended, a probe
 * query follows on the same connection: after a failed COPY it fails (the transaction is
 * aborted), which rejects here and lets the caller's transaction roll back. An error that
 * arrives while data is still being sent destroys the stream, which rejects as usual.
 */
export async function copyRows(db: Queryable, statement: string, text: string): Promise<void> {
  if (text.length === 0) return;
  const stream = await db.unsafe(statement).writable();
  const done = finished(stream);
  done.catch(() => {}); // observed below; a COPY the server rejected late never settles it
  try {
    await new Promise<void>((resolve, reject) => stream.write(text, (e) => (e ? reject(e) : resolve())));
    stream.end(); // the data is flushed: ending runs the stream's final step (CopyDone) at once
    await Promise.all([done, db`select 1`]);
  } catch (e) {
    throw new Error(`${statement.split('(')[0]!.trim()} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
