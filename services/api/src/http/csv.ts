import { Type } from 'typebox';
import type { FastifyReply } from 'fastify';

/**
 * The `format` query parameter of routes that also answer CSV. The OpenAPI document describes each
 * answer's JSON only, so the parameter says what the CSV is and, for a paged one, where its next
 * page's cursor goes (a CSV has no body field to carry it).
 */
export function csvFormatParam(csv: 'whole' | 'paged', rows = 'the rows of `data`') {
  const description =
    csv === 'paged'
      ? `csv: text/csv (RFC 4180) with ${rows} of this page, one per line after a header line; the next page's cursor is in the x-next-cursor response header (none on the last page).`
      : `csv: text/csv (RFC 4180) with ${rows}, one per line after a header line.`;
  return Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json', description });
}

/**
 * CSV answers (`?format=csv`). Built from exactly the rows the JSON answer carries, so totals match
 * to the last unit. RFC 4180 quoting; bigints and decimals as their exact text.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header.map(cell).join(','), ...rows.map((r) => r.map(cell).join(','))].join('\r\n') + '\r\n';
}

/** A CSV answer; for a page of a paged list, the next page's cursor goes in `x-next-cursor` (none on the last page). */
export function sendCsv(reply: FastifyReply, csv: string, nextCursor?: string | null): FastifyReply {
  if (nextCursor) void reply.header('x-next-cursor', nextCursor);
  return reply.type('text/csv; charset=utf-8').send(csv);
}
