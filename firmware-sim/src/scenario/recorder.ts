/**
 * `--record FILE`: every message the simulator sends, one JSON object per line, in the order sent:
 * `{kind, simTimeMs, hotspot, body}` for JSON messages (reports in their JSON form, REST bodies) or
 * `{kind, simTimeMs, hotspot, hex}` for binary ones (GWMP datagrams, report frames as sent).
 */
import { createWriteStream, type WriteStream } from 'node:fs';

export interface RecordedMessage {
  kind: string;
  simTimeMs: number;
  /** Helium address of the hotspot (or device EUI / "maker" for messages that are not a hotspot's). */
  hotspot: string | null;
  body?: unknown;
  hex?: string;
}

export interface Recorder {
  record(message: RecordedMessage): void;
  close(): Promise<void>;
  readonly count: number;
}

export const nullRecorder: Recorder = { record: () => {}, close: async () => {}, count: 0 };

/** bigint and Uint8Array appear in report objects; JSON gets decimal strings and hex. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return value;
}

export class NdjsonRecorder implements Recorder {
  private readonly stream: WriteStream;
  count = 0;
  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }
  record(message: RecordedMessage): void {
    this.count++;
    this.stream.write(`${JSON.stringify(message, replacer)}\n`);
  }
  close(): Promise<void> {
    return new Promise((resolve, reject) => this.stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}

/** Keeps messages in memory (tests, determinism checks). */
export class MemoryRecorder implements Recorder {
  readonly lines: string[] = [];
  record(message: RecordedMessage): void {
    this.lines.push(JSON.stringify(message, replacer));
  }
  get count(): number {
    return this.lines.length;
  }
  async close(): Promise<void> {}
}
