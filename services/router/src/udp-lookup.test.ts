import { describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { ipLiteralLookup } from './udp-lookup';

describe('ipLiteralLookup', () => {
  it('answers IP literals at once, with their family', () => {
    const answers: [string, number][] = [];
    ipLiteralLookup('127.0.0.1', { family: 4 }, (e, address, family) => (expect(e).toBeNull(), answers.push([address, family])));
    ipLiteralLookup('::1', 6 as never, (_e, address, family) => answers.push([address, family]));
    expect(answers).toEqual([
      ['127.0.0.1', 4],
      ['::1', 6],
    ]);
  });

  it('hands host names to the resolver', async () => {
    const address = await new Promise<string>((resolve, reject) => ipLiteralLookup('localhost', { family: 4 }, (e, a) => (e ? reject(e) : resolve(a))));
    expect(address).toBe('127.0.0.1');
  });

  it('is what a UDP socket sends through', async () => {
    const receiver = dgram.createSocket('udp4');
    await new Promise<void>((r) => receiver.bind(0, '127.0.0.1', r));
    const got = new Promise<string>((r) => receiver.once('message', (m) => r(m.toString())));
    const sender = dgram.createSocket({ type: 'udp4', lookup: ipLiteralLookup });
    sender.send(Buffer.from('hello'), (receiver.address() as AddressInfo).port, '127.0.0.1');
    expect(await got).toBe('hello');
    sender.close();
    receiver.close();
  });
});
