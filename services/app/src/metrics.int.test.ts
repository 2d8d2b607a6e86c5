import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { allTestModes, startTestNode, type TestNode } from './testing/test-node';

/** The value of the sample `name{labels}` (any label order, the process label added) in the Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries({ ...labels, process: 'all-in-one' })
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (m?.[1] === name && m[2]!.split(',').sort().join(',') === wanted) return Number(m[3]);
  }
  return undefined;
}

describe.each(allTestModes)('operator metrics on a node (%s)', (mode) => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode(mode);
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('counts API requests per route template, times them, and shows queue depths and the pool on /metrics', async () => {
    for (const label of ['a', 'b']) expect((await node.call('GET', `/v1/hotspots/${keypairFromLabel(label).address}`)).status).toBe(404);
    expect((await node.call('GET', '/no/such/page')).status).toBe(404);
    await node.ctx.queues.queue('verifyBeacons').add({ beaconIds: ['metrics-test'] }, { delay: 600_000 });

    const text = (await node.call('GET', '/metrics')).text;
    expect(sample(text, 'cov_http_requests_total', { method: 'GET', route: '/v1/hotspots/:address', status_code: '404' })).toBe(2);
    expect(sample(text, 'cov_http_request_duration_seconds_count', { method: 'GET', route: '/v1/hotspots/:address', status_class: '4xx' })).toBe(2);
    expect(sample(text, 'cov_http_requests_total', { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
    expect(text).not.toContain(keypairFromLabel('a').address);
    expect(text).not.toContain('/no/such/page');
    expect(sample(text, 'cov_queue_jobs', { queue: 'poc-verify-beacons', state: 'delayed' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cov_queue_jobs_read_failures_total')).toBe(0);
    expect(sample(text, 'cov_db_pool_max_connections')).toBe(5);
    expect(sample(text, 'cov_db_pool_probe_seconds')).toBeGreaterThan(0);
    expect(sample(text, 'cov_db_pool_probe_failures_total')).toBe(0);
  });
});
