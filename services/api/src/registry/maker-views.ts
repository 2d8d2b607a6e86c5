// Response shapes of hotspot makers and their API keys, and the row -> view mappings.
import { Type } from 'typebox';
import type { MakerApiKeyRow, MakerRow } from './makers-repository';

const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);

export const MakerView = Type.Object({ id: Type.String(), name: Type.String(), createdAt: DateTime });

export const MakerDetailView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: DateTime,
  hotspots: Type.Object(
    {
      total: Type.Integer(),
      full: Type.Integer(),
      dataOnly: Type.Integer(),
      lastOnboardedAt: NullableDateTime,
    },
    { description: 'The hotspots the maker has onboarded (list them: GET /v1/hotspots?maker={id}).' },
  ),
  liveApiKeys: Type.Integer(),
});

export const MakerApiKeyView = Type.Object(
  {
    id: Type.String(),
    prefix: Type.String({ description: 'The start of the key, to tell it apart; the key itself is shown only when issued.' }),
    name: Type.String({ description: 'Given when the key was issued; "" when none was.' }),
    createdAt: DateTime,
    revokedAt: NullableDateTime,
    lastUsedAt: Type.Union([DateTime, Type.Null()], { description: 'When the key last onboarded a hotspot or called the maker API, to within 5 minutes; null if never.' }),
  },
  { $id: 'MakerApiKey' },
);

export const toMakerView = (m: MakerRow) => ({ id: m.id, name: m.name, createdAt: m.createdAt.toISOString() });

export const toMakerApiKeyView = (k: MakerApiKeyRow) => ({
  id: k.id,
  prefix: k.keyPrefix,
  name: k.name,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});
