import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { RouterMetrics } from './router-metrics';

describe('router metrics', () => {
  it('shows the tallied per-packet counts on every scrape, and only adds what came since', async () => {
    const registry = new Registry();
    const m = new RouterMetrics(registry);
    m.drop('no_route');
    m.drop('no_route', 2);
    m.drop('late_copy');
    m.datagram('PUSH_DATA');
    m.packet('uplink');
    m.forward('gwmp', 'ok');
    m.bought(2, 4);
    let text = await registry.metrics();
    expect(text).toContain('cov_router_dropped_total{reason="no_route"} 3');
    expect(text).toContain('cov_router_dropped_total{reason="late_copy"} 1');
    expect(text).toContain('cov_router_datagrams_total{type="PUSH_DATA"} 1');
    expect(text).toContain('cov_router_packets_total{kind="uplink"} 1');
    expect(text).toContain('cov_router_forwarded_total{protocol="gwmp",outcome="ok"} 1');
    expect(text).toContain('cov_router_copies_bought_total 2');
    expect(text).toContain('cov_router_dc_burned_total 4');
    m.drop('no_route');
    m.bought(1, 1);
    text = await registry.metrics();
    expect(text).toContain('cov_router_dropped_total{reason="no_route"} 4');
    expect(text).toContain('cov_router_copies_bought_total 3');
    expect(text).toContain('cov_router_dc_burned_total 5');
    text = await registry.metrics();
    expect(text).toContain('cov_router_dropped_total{reason="no_route"} 4');
    expect(text).toContain('cov_router_dc_burned_total 5');
  });

  it("adds the kernel's new drops of the GWMP socket at each scrape, and starts over with a new socket", async () => {
    const registry = new Registry();
    const m = new RouterMetrics(registry);
    let kernel: number | undefined = 5;
    m.readKernelDropsWith(() => kernel);
    expect(await registry.metrics()).toContain('cov_router_gwmp_kernel_drops_total 5');
    kernel = 12;
    expect(await registry.metrics()).toContain('cov_router_gwmp_kernel_drops_total 12');
    kernel = 2; // the socket was recreated: its count restarted
    expect(await registry.metrics()).toContain('cov_router_gwmp_kernel_drops_total 12');
    kernel = 3;
    expect(await registry.metrics()).toContain('cov_router_gwmp_kernel_drops_total 13');
    kernel = undefined; // not Linux, or stopped
    expect(await registry.metrics()).toContain('cov_router_gwmp_kernel_drops_total 13');
  });

  it('buckets the delay the router adds beyond the dedup window', async () => {
    const registry = new Registry();
    const m = new RouterMetrics(registry);
    m.addedDelaySeconds.observe(0.0008);
    m.addedDelaySeconds.observe(0.003);
    m.addedDelaySeconds.observe(0.3);
    const text = await registry.metrics();
    expect(text).toContain('cov_router_added_delay_seconds_bucket{le="0.001"} 1');
    expect(text).toContain('cov_router_added_delay_seconds_bucket{le="0.005"} 2');
    expect(text).toContain('cov_router_added_delay_seconds_bucket{le="1"} 3');
    expect(text).toContain('cov_router_added_delay_seconds_count 3');
  });
});
