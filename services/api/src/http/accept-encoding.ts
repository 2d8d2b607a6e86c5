/**
 * Content-coding negotiation (RFC 9110 §12.5.3) for answers the API keeps precompressed: picks
 * brotli or gzip from a request's Accept-Encoding, honouring q-values (q=0 refuses a coding) and
 * `*`. Without the header, or when neither coding is acceptable, the answer goes out as is.
 */
export type ContentCoding = 'br' | 'gzip' | 'identity';

/** Server preference when the client rates codings equally: brotli answers are the smallest. */
const OFFERED = ['br', 'gzip'] as const;

function parseQ(params: string[]): number {
  for (const p of params) {
    const [name, value] = p.split('=').map((s) => s.trim());
    if (name?.toLowerCase() === 'q') {
      const q = Number(value);
      return Number.isFinite(q) ? Math.min(1, Math.max(0, q)) : 0;
    }
  }
  return 1;
}

export function parseAcceptEncoding(header: string | undefined): ContentCoding {
  if (!header) return 'identity';
  const weights = new Map<string, number>();
  for (const item of header.split(',')) {
    const [name = '', ...params] = item.split(';');
    let coding = name.trim().toLowerCase();
    if (coding === 'x-gzip') coding = 'gzip';
    if (coding) weights.set(coding, Math.max(weights.get(coding) ?? 0, parseQ(params)));
  }
  const wildcard = weights.get('*');
  let best: ContentCoding = 'identity';
  let bestQ = 0;
  for (const coding of OFFERED) {
    const q = weights.get(coding) ?? wildcard ?? 0;
    if (q > bestQ) [best, bestQ] = [coding, q];
  }
  return best;
}

// Clients send a handful of distinct headers ("gzip, deflate, br, zstd", "gzip, br", ...), so the
// choice is remembered per header text; the bound keeps odd headers from growing it without limit.
const MEMO_MAX = 256;
const memo = new Map<string, ContentCoding>();

export function preferredCoding(header: string | undefined): ContentCoding {
  if (!header) return 'identity';
  let coding = memo.get(header);
  if (coding === undefined) {
    coding = parseAcceptEncoding(header);
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(header, coding);
  }
  return coding;
}
