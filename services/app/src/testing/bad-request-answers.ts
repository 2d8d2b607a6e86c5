/**
 * What every answer to a bad request must be (services/api/README.md, Conventions): below 500 (a
 * 503 only where the operation documents one), a status the operation documents, the x-request-id
 * header, and for an error the standard body `{ error: { code, message, details? }, requestId }`
 * whose code is in the catalog with that very status. Returns the problems found, none when right.
 */
import { errorCatalog } from '@cov/shared/errors';
import type { HttpAnswer } from './test-node';
import type { BadRequest, Operation } from './bad-requests';

function errorBodyProblems(answer: HttpAnswer, requestId: string | null): string[] {
  const body = answer.body as { error?: { code?: unknown; message?: unknown; details?: unknown }; requestId?: unknown } | undefined;
  if (body?.error === undefined) return [`no error body: ${answer.text.slice(0, 200)}`];
  const { code, message, details } = body.error;
  const problems: string[] = [];
  if (typeof code !== 'string' || !(code in errorCatalog)) problems.push(`code ${String(code)} is not in the error catalog`);
  else if (errorCatalog[code as keyof typeof errorCatalog] !== answer.status) problems.push(`code ${code} is a ${errorCatalog[code as keyof typeof errorCatalog]} in the catalog, answered ${answer.status}`);
  if (typeof message !== 'string' || message.trim() === '') problems.push('empty message');
  if (details !== undefined && (details === null || typeof details !== 'object' || Array.isArray(details))) problems.push('details is not an object');
  if (body.requestId !== requestId) problems.push(`requestId ${String(body.requestId)} is not the x-request-id header ${String(requestId)}`);
  return problems;
}

/** An ingest batch is answered 200 report by report: none of a bad request's may be accepted. */
function ingestBatchProblems(answer: HttpAnswer): string[] {
  const body = answer.body as { accepted?: unknown[]; rejected?: { code?: unknown }[] } | undefined;
  if (!body || !Array.isArray(body.accepted) || !Array.isArray(body.rejected)) return [`not a batch answer: ${answer.text.slice(0, 200)}`];
  const problems = body.accepted.length > 0 ? [`${body.accepted.length} report(s) accepted`] : [];
  for (const r of body.rejected) if (typeof r.code !== 'string' || !(r.code in errorCatalog)) problems.push(`rejected with code ${String(r.code)}, not in the catalog`);
  return problems;
}

export function answerProblems(op: Operation, request: BadRequest, answer: HttpAnswer): string[] {
  const documented = Object.keys(op.spec.responses);
  const problems: string[] = [];
  const requestId = answer.headers.get('x-request-id');
  if (!requestId) problems.push('no x-request-id header');
  if (answer.status >= 500 && !(answer.status === 503 && documented.includes('503'))) problems.push(`server error ${answer.status}`);
  if (!documented.includes(String(answer.status))) problems.push(`status ${answer.status} is not documented (documented: ${documented.join(', ')})`);
  if (request.expect === 'rejected' && (answer.status < 400 || answer.status >= 500) && !(answer.status === 200 && op.path.startsWith('/v1/ingest/'))) problems.push(`accepted with ${answer.status}`);
  if (answer.status >= 400) problems.push(...errorBodyProblems(answer, requestId));
  const code = (answer.body as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (request.code !== undefined && code !== request.code) problems.push(`refused with ${String(code)}, not ${request.code}`);
  else if (op.path.startsWith('/v1/ingest/') && answer.status === 200) problems.push(...ingestBatchProblems(answer));
  return problems;
}
