/** The radio side of simulated hotspots and devices: where their antennas are and what they lose. */
import type { SimDevice } from '../world/devices';
import type { SimHotspot } from '../world/world';
import type { Receiver } from './radio-channel';

/** Receiver noise figure of a typical end-device radio (SX126x class). */
export const DEVICE_NOISE_FIGURE_DB = 6;

export function hotspotRadio(h: SimHotspot): Receiver {
  return {
    id: h.id,
    position: h.truePosition,
    heightAglM: h.hardware.heightAglM,
    gainDbi: h.hardware.gainDbi,
    cableLossDb: h.hardware.cableLossDb,
    buildingLossDb: h.hardware.buildingLossDb,
    environment: h.environment,
    noiseFigureDb: h.hardware.noiseFigureDb,
  };
}

export function deviceRadio(d: SimDevice): Receiver {
  return {
    id: d.id,
    position: d.position,
    heightAglM: d.heightAglM,
    gainDbi: d.gainDbi,
    cableLossDb: 0,
    buildingLossDb: d.buildingLossDb,
    environment: d.environment,
    noiseFigureDb: DEVICE_NOISE_FIGURE_DB,
  };
}
