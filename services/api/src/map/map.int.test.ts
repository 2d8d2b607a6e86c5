import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { cellToParent, latLngToCell } from 'h3-js';
import { ManualClock } from '@cov/shared/clock';
import { loadConfig } from '@cov/shared/config/config';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { refreshProvisionalRewards } from '@cov/rewarder/provisional-rewards';
import { rewarderDeps } from '@cov/rewarder/rewarder-deps';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

/** Debian's Chromium, headless, making no requests of its own (the page must need none either). */
const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: loadConfig().TEST_CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
const EPOCH = Math.floor(NOW / 86_400_000);
const screenshotDir = fileURLToPath(new URL('../../../../screenshots/', import.meta.url));

describe('coverage map page in headless Chromium', () => {
  let node: TestNode;
  let browser: Browser;

  beforeAll(async () => {
    node = await startTestNode('embedded', { services: ['api'], clock: new ManualClock(NOW) });
    const { sql } = node.ctx.database;
    await sql`insert into makers (id, name, created_at) values ('00000000-0000-0000-0000-000000000007', 'm', now())`;
    // A small town's worth of hotspots around Lyon, most of them interactive.
    for (let i = 0; i < 24; i++) {
      const k = keypairFromLabel(`map/${i}`);
      const cell = latLngToCell(45.75 + (i % 6) * 0.006, 4.83 + Math.floor(i / 6) * 0.008, 12);
      await sql`insert into hotspots (address, name, public_key, owner_address, maker_id, capability, gateway_eui, location_cell, location_cell_res8, gain_dbi_x10, elevation_m, region, country_code, location_asserted_at, onboarded_at)
        values (${k.address}, ${hotspotName(k.address)}, ${Buffer.from(k.binaryKey)}, ${k.address}, '00000000-0000-0000-0000-000000000007', 'full', ${`BB${String(i).padStart(14, '0')}`}, ${cell}, ${cellToParent(cell, 8)}, 30, 5, 'EU868', 'FR', now(), now())`;
      if (i % 5 === 4) continue;
      await sql`insert into beacon_verdicts (beacon_id, hotspot_address, received_at_ms, epoch, valid, reason, details, location_cell, witness_count, valid_witness_count, selected_witness_count, denylist_version, verified_at_ms)
        values (${`b${i}`}, ${k.address}, ${NOW - 3_600_000}, ${EPOCH}, true, null, '{}', ${cell}, 1, 1, 1, 0, ${NOW})`;
      await sql`insert into witness_verdicts (beacon_id, witness_id, hotspot_address, beaconer_address, received_at_ms, epoch, valid, reason, details, selected, signal_dbm_x10, snr_db_x10, distance_m, location_cell)
        values (${`b${i}`}, ${`w${i}`}, ${k.address}, ${k.address}, ${NOW - 3_600_000}, ${EPOCH}, true, null, '{}', true, ${-850 - i * 15}, 50, 1000, null)`;
    }
    // The rewarder's provisional run of the epoch in progress: a found hotspot shows what it has earned so far.
    expect((await refreshProvisionalRewards(rewarderDeps(node.ctx))).map((o) => o.status)).toContain('computed');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await node?.destroy();
  });

  it('draws hexes over the bundled country outline, colors them, shows hex details on click, and saves a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(node.httpBaseUrl)) external.push(r.url());
    });
    await page.goto(`${node.httpBaseUrl}/map`);
    await page.waitForFunction(() => Number(document.body.getAttribute('data-hexes') ?? 0) > 0, null, { timeout: 20_000 });
    const hexCount = Number(await page.getAttribute('body', 'data-hexes'));
    expect(hexCount).toBeGreaterThan(0);
    await page.selectOption('#metric', 'scale');
    expect(await page.locator('path.hex').count()).toBe(hexCount);
    // No epoch is paid here: colored by who was paid, every hex says so.
    await page.selectOption('#metric', 'rewarded');
    expect(await page.textContent('#legend')).toContain('no epoch paid yet');
    expect(new Set(await page.locator('path.hex').evaluateAll((paths) => paths.map((p) => p.getAttribute('fill'))))).toEqual(new Set(['#9e9e9e']));
    await page.locator('path.hex').first().dispatchEvent('click');
    await page.waitForSelector('#details:not([hidden])', { timeout: 10_000 });
    expect(await page.textContent('#details')).toContain('interactive');
    expect(await page.textContent('#details')).toContain('paid in the latest epoch');
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: `${screenshotDir}map.png` });
    expect(external).toEqual([]);
  });

  it('finds a hotspot by its name, flies to it and shows it, opens on one named in its address, and says what is wrong with a typo', async () => {
    const k = keypairFromLabel('map/7');
    const name = hotspotName(k.address);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${node.httpBaseUrl}/map?lat=20&lng=0&zoom=2`);
    await page.waitForFunction(() => document.body.hasAttribute('data-hexes'), null, { timeout: 20_000 });
    // As a person types it: spaces, any case.
    await page.fill('#find-name', name.replaceAll('-', ' ').toUpperCase());
    await page.click('#find button');
    await page.waitForFunction((n) => document.getElementById('find-result')!.textContent === n, name, { timeout: 10_000 });
    expect(await page.textContent('#details')).toContain(k.address);
    const soFar = (await node.call('GET', `/v1/hotspots/${k.address}`)).body.status.earningSoFar;
    expect(BigInt(soFar.totalAmount)).toBeGreaterThan(0n);
    expect(await page.textContent('#details')).toContain(`earned so far in epoch ${EPOCH}${soFar.totalAmount}`);
    // Flown to it: zoom 15, where hexes are drawn at res 10.
    await page.waitForFunction(() => /hexes at res 10/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 20_000 });

    await page.fill('#find-name', 'acidic red mosue');
    await page.click('#find button');
    await page.waitForFunction(() => /"mosue" is not one of the animals/.test(document.getElementById('find-result')!.textContent ?? ''), null, { timeout: 10_000 });

    const linked = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    linked.on('pageerror', (e) => errors.push(e.message));
    await linked.goto(`${node.httpBaseUrl}/map?hotspot=${name}`);
    await linked.waitForFunction(() => /hexes at res 10/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 20_000 });
    expect(await linked.textContent('#find-result')).toBe(name);
    expect(errors).toEqual([]);
  });

  it('lists the countries with hotspots, fits the map to the one chosen and shows its figures, and opens on one named in its address', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${node.httpBaseUrl}/map?lat=20&lng=0&zoom=2`);
    await page.waitForFunction(() => document.querySelectorAll('#country option').length > 1 && !(document.getElementById('country') as HTMLSelectElement).disabled, null, { timeout: 20_000 });
    expect(await page.locator('#country option').allTextContents()).toEqual(['choose one of 1', 'France (24)']);
    await page.selectOption('#country', 'FR');
    await page.waitForFunction(() => document.body.getAttribute('data-country') === 'FR', null, { timeout: 10_000 });
    expect(await page.textContent('#details')).toContain('France (FR)');
    expect(await page.textContent('#details')).toMatch(/hotspots\s*24/);
    // Fitted to the town's hotspots (about 3 km across): zoomed in past the world view's res-4 hexes.
    await page.waitForFunction(() => /hexes at res (9|10)/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 20_000 });

    const linked = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    linked.on('pageerror', (e) => errors.push(e.message));
    await linked.goto(`${node.httpBaseUrl}/map?country=fr`);
    await linked.waitForFunction(() => document.body.getAttribute('data-country') === 'FR', null, { timeout: 20_000 });
    expect(await linked.inputValue('#country')).toBe('FR');
    await linked.waitForFunction(() => /hexes at res (9|10)/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 20_000 });
    expect(errors).toEqual([]);
  });

  it('with the siting box ticked, tells what a hotspot placed where one clicks would get and whose scale it would lower', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${node.httpBaseUrl}/map?lat=45.765&lng=4.842&zoom=14`);
    await page.waitForFunction(() => Number(document.body.getAttribute('data-hexes') ?? 0) > 0, null, { timeout: 20_000 });
    await page.check('#siting');
    // In the middle of the town, on a hex: the siting answer, not the hex's details.
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => document.body.hasAttribute('data-siting'), null, { timeout: 10_000 });
    const [lat, lng] = (await page.getAttribute('body', 'data-site'))!.split(',');
    const api = await node.call('GET', `/v1/coverage/siting?lat=${lat}&lng=${lng}`);
    expect(await page.getAttribute('body', 'data-siting')).toBe(String(api.body.transmitScale));
    const details = await page.textContent('#details');
    expect(details).toContain('A hotspot here');
    expect(details).toContain(`would get transmit scale${api.body.transmitScale} once interactive`);
    expect(details).toMatch(new RegExp(`hotspots whose scale it would change\\s*${api.body.changedCount}`));
    for (const c of api.body.changed.slice(0, 10)) expect(details).toContain(`${c.name}: ${c.transmitScale} → ${c.transmitScaleAfter}`);
    expect(api.body.changedCount).toBeGreaterThan(0);
    // Unticked, a click on a hex shows the hex again.
    await page.uncheck('#siting');
    await page.locator('path.hex').first().dispatchEvent('click');
    await page.waitForFunction(() => /Hex details/.test(document.getElementById('details')!.textContent ?? ''), null, { timeout: 10_000 });
    expect(errors).toEqual([]);
  });

  it('shows the hexes zoomed out to the whole world, wider than one request may ask for', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${node.httpBaseUrl}/map?lat=20&lng=0&zoom=2`);
    await page.waitForFunction(() => !/^loading/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 20_000 });
    // All 24 hotspots lie in one or two res-4 hexes.
    expect(await page.textContent('#status')).toMatch(/^[12] hexes at res 4/);
    expect(errors).toEqual([]);
  });
});

describe('coverage map page with no hotspots, then two on either side of the antimeridian', () => {
  let node: TestNode;
  let browser: Browser;
  const clock = new ManualClock(NOW);
  beforeAll(async () => {
    node = await startTestNode('embedded', { services: ['api'], clock });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await node?.destroy();
  });

  it('opens on the whole world, says there is nothing to show, and throws nothing', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${node.httpBaseUrl}/map`);
    await page.waitForFunction(() => document.body.hasAttribute('data-hexes') || !/^loading/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 20_000 });
    expect(await page.textContent('#status')).toMatch(/^0 hexes/);
    expect(await page.getAttribute('body', 'data-hexes')).toBe('0');
    expect(errors).toEqual([]);
  });

  it('shows hexes on both sides of the antimeridian side by side when the view is across it', async () => {
    const { sql } = node.ctx.database;
    await sql`insert into makers (id, name, created_at) values ('00000000-0000-0000-0000-000000000017', 'm', now())`;
    for (const [i, lng] of [179.9999, -179.995].entries()) {
      const k = keypairFromLabel(`map/fiji/${i}`);
      const cell = latLngToCell(-16.5, lng, 12);
      await sql`insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, location_cell, location_cell_res8, gain_dbi_x10, elevation_m, region, onboarded_at)
        values (${k.address}, ${Buffer.from(k.binaryKey)}, ${k.address}, '00000000-0000-0000-0000-000000000017', 'full', ${`DD${String(i).padStart(14, '0')}`}, ${cell}, ${cellToParent(cell, 8)}, 30, 5, 'AS923_1', now())`;
    }
    clock.advance(node.config.COVERAGE_SNAPSHOT_TTL_MS);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${node.httpBaseUrl}/map?lat=-16.5&lng=180&zoom=13`);
    await page.waitForFunction(() => document.body.hasAttribute('data-hexes'), null, { timeout: 20_000 });
    expect(await page.textContent('#status')).toMatch(/^2 hexes at res 10/);
    // Both drawn in the view (not one of them a world away), and the points with them.
    const view = (await page.locator('#map').boundingBox())!;
    for (const path of await page.locator('path.hex').all()) {
      const box = (await path.boundingBox())!;
      expect(box.x >= view.x && box.x + box.width <= view.x + view.width, JSON.stringify(box)).toBe(true);
      expect(box.width).toBeLessThan(view.width / 2);
    }
    await page.waitForFunction(() => document.querySelectorAll('path.leaflet-interactive:not(.hex)').length === 2, null, { timeout: 10_000 });
    expect(errors).toEqual([]);

    // The extent of the two is the half kilometre across the antimeridian, not the world between them.
    const extent = await (await fetch(`${node.httpBaseUrl}/v1/coverage/extent`)).json();
    expect(extent.hotspots).toBe(2);
    const [minLng, , maxLng] = extent.bbox;
    expect(minLng).toBeGreaterThan(179.99);
    expect(maxLng).toBeLessThan(-179.99);
    // Opened with no view asked for, the map fits it: zoomed in (res 9 at its zoom cap), not the world at res 4.
    const fitted = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await fitted.goto(`${node.httpBaseUrl}/map`);
    await fitted.waitForFunction(() => document.body.hasAttribute('data-hexes'), null, { timeout: 20_000 });
    expect(await fitted.textContent('#status')).toMatch(/^2 hexes at res 9/);
  });
});
