import { AppError, err, ok, type Result } from '../errors';

export interface LatLng {
  lat: number;
  lng: number;
}

export function isValidLatLng(lat: number, lng: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lng) && lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180;
}

/** Checks a coordinate pair from user input; the error names the offending values. */
export function validateLatLng(lat: unknown, lng: unknown): Result<LatLng> {
  if (typeof lat !== 'number' || typeof lng !== 'number' || !isValidLatLng(lat, lng)) {
    return err(
      new AppError('geo.out_of_range', 'latitude must be within [-90, 90] and longitude within [-180, 180]', {
        lat,
        lng,
      }),
    );
  }
  return ok({ lat, lng });
}
