import { describe, expect, it } from 'vitest';
import { apiIndex, STARTING_POINTS } from './api-index-route';

describe('GET /v1 answer', () => {
  it('names each kind of user\'s first routes only when the process serves the REST API', () => {
    expect(apiIndex(['ingest', 'api']).start).toBe(STARTING_POINTS);
    // A router-only process serves none of them: pointing there would send users to 404s.
    expect(apiIndex(['router'])).not.toHaveProperty('start');
    expect(apiIndex(['router']).services).toEqual(['router']);
  });

  it('gives path templates, not example values, for every starting point', () => {
    // A query parameter, where one selects what the user wants, is a template too (`?maker={makerId}`); a document's name may end in its type (`tiles.json`).
    for (const { path } of Object.values(STARTING_POINTS).flat()) expect(path).toMatch(/^\/(v1\/[a-z0-9/{}-]+(\.json)?(\?[a-z_]+=\{[a-z]+\})?|map)$/i);
    // Routes only a router serves (downlinks, route tests) are not here: in a split deployment the API's host would answer 404.
    for (const { path } of Object.values(STARTING_POINTS).flat()) expect(path).not.toMatch(/^\/v1\/router\//);
  });
});
