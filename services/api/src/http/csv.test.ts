import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes what needs quoting and keeps exact numbers', () => {
    expect(toCsv(['a', 'b'], [[1, 'x,y'], ['he said "hi"', 12345678901234567890n], [null, { k: 1 }]])).toBe(
      'a,b\r\n1,"x,y"\r\n"he said ""hi""",12345678901234567890\r\n,"{""k"":1}"\r\n',
    );
  });
});
