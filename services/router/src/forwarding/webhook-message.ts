/**
 * The JSON a device maker's HTTP endpoint receives: one message per packet and route, with the
 * frame's header fields (the payload stays encrypted: the router holds no application keys), the
 * PHYPayload to hand to an LNS, and every bought copy's hotspot and radio metadata. `id` names the
 * packet in a later downlink POST.
 */
import type { DataFrame, JoinRequestFrame } from '@cov/shared/lorawan/types';
import { bytesToHex } from '@cov/shared/lorawan/bytes';
import type { RouteDecision } from '../route-decision';

export type RoutedFrame = DataFrame | JoinRequestFrame;

// The message's shape is a schema in the shared library, which the OpenAPI document publishes.
export type { WebhookCopy, WebhookMessage } from '@cov/shared/routing/webhook-message-schema';
import type { WebhookMessage } from '@cov/shared/routing/webhook-message-schema';

export function webhookMessage(decision: RouteDecision, frame: RoutedFrame, downlinkUrl?: string): WebhookMessage {
  const message: WebhookMessage = {
    id: decision.packetId,
    type: decision.kind,
    routeId: decision.route.id,
    receivedAt: new Date(decision.receivedAtMs).toISOString(),
    phyPayload: Buffer.from(frame.bytes).toString('base64'),
    frame:
      frame.kind === 'data'
        ? {
            mtype: frame.mhdr.mtype,
            devAddr: frame.devAddr,
            fCnt: frame.fCnt,
            fPort: frame.fPort,
            confirmed: frame.confirmed,
            adr: frame.fCtrl.adr,
            ack: frame.fCtrl.ack,
            fOpts: bytesToHex(frame.fOpts),
            frmPayload: bytesToHex(frame.frmPayload),
            mic: bytesToHex(frame.mic),
          }
        : { mtype: 'JoinRequest', joinEui: frame.joinEui, devEui: frame.devEui, devNonce: frame.devNonce, mic: bytesToHex(frame.mic) },
    payloadBytes: decision.payloadBytes,
    dc: decision.dcPerCopy * decision.bought.length,
    copies: decision.bought.map((c) => ({
      hotspot: c.hotspotAddress,
      gatewayEui: c.hotspot.gatewayEui.toUpperCase(),
      h3: c.hotspot.locationCell,
      region: c.hotspot.region,
      rssiDbm: c.rssiDbm,
      snrDb: c.snrDb,
      frequencyHz: c.frequencyHz,
      dataRate: c.dataRate,
      codingRate: c.codingRate,
      tmst: c.tmst,
      gatewayTime: c.gatewayTime,
      receivedAt: new Date(c.receivedAtMs).toISOString(),
      dc: decision.dcPerCopy,
    })),
  };
  if (downlinkUrl !== undefined) message.downlinkUrl = downlinkUrl;
  return message;
}

type BoughtCopy = RouteDecision['bought'][number];

/**
 * The rxpk a GWMP LNS receives for one copy: the forwarder's own, with HPR-style metadata in place
 * of any `meta` the forwarder sent. As HPR's, it is the router's statement about the hotspot, from
 * the registry: a forwarder's own map could pass off a location or region the hotspot never
 * asserted, or swell the datagrams sent to the LNS until they fail (and back its route off).
 */
export function lnsMeta(copy: BoughtCopy): Record<string, string> {
  return {
    network: 'coverage_iot',
    gateway_id: copy.hotspotAddress,
    ...(copy.hotspot.locationCell ? { gateway_h3index: copy.hotspot.locationCell } : {}),
    ...(copy.hotspot.region ? { regi: copy.hotspot.region } : {}),
  };
}

/** The metadata depends on the hotspot only: serialised once per hotspot record (the gateway directory keeps them for minutes). */
const metaJsonByHotspot = new WeakMap<BoughtCopy['hotspot'], string>();

/**
 * That rxpk as JSON text, for a PUSH_DATA. The usual rxpk has no `meta` of its own, so the
 * hotspot's serialised metadata is appended to the serialised rxpk instead of building a new
 * object per copy.
 */
export function lnsRxpkJson(copy: BoughtCopy): string {
  if (copy.rxpk.meta !== undefined) return JSON.stringify({ ...copy.rxpk, meta: lnsMeta(copy) });
  let meta = metaJsonByHotspot.get(copy.hotspot);
  if (meta === undefined) {
    meta = JSON.stringify(lnsMeta(copy));
    metaJsonByHotspot.set(copy.hotspot, meta);
  }
  const rxpk = JSON.stringify(copy.rxpk);
  return `${rxpk.slice(0, -1)}${rxpk.length > 2 ? ',' : ''}"meta":${meta}}`;
}
