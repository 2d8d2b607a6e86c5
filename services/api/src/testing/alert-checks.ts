/**
 * Waiting for a node's alert checker in tests: two more checks completed, so at least one ran
 * wholly after the state the test set up (a fixed sleep could pass with no check at all on a busy
 * machine, proving nothing). Counted from the node's own metric, per alert kind.
 */
import { waitFor } from '@cov/router/testing/test-gateway';

export type AlertKind = 'balance' | 'hotspot_status' | 'route_endpoint';

export async function alertChecksDone(httpBaseUrl: string, alert: AlertKind): Promise<number> {
  const metrics = await (await fetch(`${httpBaseUrl}/metrics`)).text();
  return Number(new RegExp(`^cov_api_alert_checks_total\\{[^}]*alert="${alert}"[^}]*\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
}

export async function twoMoreAlertChecks(httpBaseUrl: string, alert: AlertKind): Promise<void> {
  const from = await alertChecksDone(httpBaseUrl, alert);
  await waitFor(async () => (await alertChecksDone(httpBaseUrl, alert)) >= from + 2, 'two more alert checks');
}
