import { describe, expect, it } from 'vitest';
import { chooseProtocol, keyFromProtocols, offeredProtocols } from './websocket-key-protocol';

describe('API keys as a WebSocket subprotocol', () => {
  it('reads the offered list as the header carries it', () => {
    expect(offeredProtocols('cov.v1, cov.key.ok_abc')).toEqual(['cov.v1', 'cov.key.ok_abc']);
    expect(offeredProtocols(['cov.v1', 'cov.key.x'])).toEqual(['cov.v1', 'cov.key.x']);
    expect(offeredProtocols(undefined)).toEqual([]);
    expect(offeredProtocols(' , ')).toEqual([]);
  });

  it('finds the key, and nothing without one', () => {
    expect(keyFromProtocols('cov.v1, cov.key.ok_abc-_9')).toBe('ok_abc-_9');
    expect(keyFromProtocols('cov.v1')).toBeUndefined();
    expect(keyFromProtocols('cov.key.')).toBeUndefined();
    expect(keyFromProtocols(undefined)).toBeUndefined();
  });

  it('answers with a protocol that is not the key whenever one was offered', () => {
    expect(chooseProtocol(new Set(['cov.key.secret', 'cov.v1']))).toBe('cov.v1');
    expect(chooseProtocol(new Set(['cov.key.secret']))).toBe('cov.key.secret');
    expect(chooseProtocol(new Set())).toBe(false);
  });
});
