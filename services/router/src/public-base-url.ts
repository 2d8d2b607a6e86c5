/**
 * The base URL at which device makers reach the router's HTTP server (its downlink endpoint),
 * given to them in every webhook message: the configured one, else the bound address unless it is
 * a wildcard, which says nothing about how outsiders reach it.
 */
export function publicBaseUrl(configured: string, listening: { host: string; port: number } | undefined): string | undefined {
  if (configured) return configured.replace(/\/+$/, '');
  if (listening === undefined || listening.host === '0.0.0.0' || listening.host === '::') return undefined;
  const host = listening.host.includes(':') ? `[${listening.host}]` : listening.host;
  return `http://${host}:${listening.port}`;
}
