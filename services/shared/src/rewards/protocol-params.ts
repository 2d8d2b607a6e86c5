/**
 * The full set of reward rules one epoch is paid under. A manifest records it (or its version), so
 * any epoch can be recomputed with the rules in force then even after the defaults change.
 */
import { HIP104_HEX_DENSITY_PARAMS, type HexDensityParams } from './hex-density';
import { HELIUM_IOT_POOL_PARAMS, type PoolParams } from './pools';
import { HIP15_REWARD_UNIT_PARAMS, type RewardUnitParams } from './reward-units';

export interface RewardProtocolParams {
  version: string;
  hexDensity: HexDensityParams;
  rewardUnits: RewardUnitParams;
  pools: PoolParams;
}

/** Helium IoT as last run before HIP-149 retired PoC. */
export const HELIUM_IOT_REWARD_PARAMS: RewardProtocolParams = Object.freeze({
  version: 'helium-iot-2025',
  hexDensity: HIP104_HEX_DENSITY_PARAMS,
  rewardUnits: HIP15_REWARD_UNIT_PARAMS,
  pools: HELIUM_IOT_POOL_PARAMS,
});
