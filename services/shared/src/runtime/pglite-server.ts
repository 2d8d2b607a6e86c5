/**
 * Serves an embedded PGlite database to ordinary PostgreSQL clients (postgres.js, node-postgres,
 * BullMQ) on a loopback TCP port.
 *
 * Why not @electric-sql/pglite-socket's server: PGlite is a single backend session, and that
 * server multiplexes client connections onto it one protocol *message* at a time. Outside a
 * transaction, the Parse / Bind / Execute / Sync messages of two clients then interleave, and one
 * client's unnamed prepared statement is replaced by another's between its Parse and its Bind
 * ("bind message supplies 2 parameters, but prepared statement requires 0"), which breaks any
 * concurrent use. This server groups each client's messages into units that end at Sync, Query or
 * Flush and runs a whole unit at once. Two situations make a client the only one served until it
 * is done: an open transaction, and an unnamed statement parsed but not yet executed (drivers such
 * as postgres.js describe a statement in one round trip and bind it in the next; another client's
 * query in between would replace it). If a client disconnects mid-transaction the transaction is
 * rolled back; a client that leaves an unnamed statement unexecuted is released after
 * STICKY_TIMEOUT_MS. A unit that fails before its Sync (a describe round trip ending in Flush) is
 * followed by a Sync of the server's own, so the session's skip-until-Sync does not eat the next
 * client's unit.
 *
 * Not supported (not used by this product): COPY FROM STDIN, cancel requests, SSL.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST_CODE = 80877103;
const CANCEL_REQUEST_CODE = 80877102;
const PROTOCOL_V3 = 196608;
/** Message types that end a unit: the client waits for answers after these. */
const UNIT_ENDS = new Set(['S', 'Q', 'H']);
/** Longest a client may hold the session between describing and executing an unnamed statement. */
const STICKY_TIMEOUT_MS = 5_000;

/** True when the unit parses the unnamed statement and does not execute it: its next unit will. */
export function leavesUnnamedStatementPending(unit: Uint8Array): boolean {
  const b = Buffer.from(unit.buffer, unit.byteOffset, unit.byteLength);
  let pending = false;
  for (let i = 0; i + 5 <= b.length; ) {
    const type = String.fromCharCode(b[i]!);
    const length = 1 + b.readInt32BE(i + 1);
    if (type === 'P') pending = b[i + 5] === 0; // statement name is the first field; empty = unnamed
    else if (type === 'E') pending = false;
    i += length;
  }
  return pending;
}

/** A Sync message: ends an extended-protocol exchange, and the skipping that follows an error in one. */
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/** True when the unit's last message is a Sync or a simple Query: the session takes the next client's messages as they come. */
export function endsWithSync(unit: Uint8Array): boolean {
  const b = Buffer.from(unit.buffer, unit.byteOffset, unit.byteLength);
  let last = '';
  for (let i = 0; i + 5 <= b.length; i += 1 + b.readInt32BE(i + 1)) last = String.fromCharCode(b[i]!);
  return last === 'S' || last === 'Q';
}

/** True when a response stream carries an ErrorResponse ('E' message). */
function hasError(chunks: Uint8Array[]): boolean {
  const b = Buffer.concat(chunks);
  for (let i = 0; i + 5 <= b.length; i += 1 + b.readInt32BE(i + 1)) if (b[i] === 0x45) return true;
  return false;
}

interface Client {
  id: number;
  socket: Socket;
  buffer: Buffer;
  started: boolean;
  pending: Buffer[];
  closed: boolean;
}

interface Unit {
  client: Client;
  bytes: Uint8Array;
}

export class PgliteServer {
  private server: Server | undefined;
  private readonly clients = new Set<Client>();
  private readonly queue: Unit[] = [];
  private processing: Promise<void> | undefined;
  private owner: Client | undefined;
  /** Client holding the session until its next unit (unnamed statement between round trips). */
  private sticky: { client: Client; untilMs: number } | undefined;
  private stopping = false;
  private rerun = false;
  private nextId = 1;

  constructor(
    private readonly db: PGlite,
    private readonly options: { host: string; port: number; maxConnections: number },
  ) {}

  async start(): Promise<{ host: string; port: number }> {
    await this.db.waitReady;
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.options.maxConnections;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('embedded database server has no address');
    return { host: this.options.host, port: address.port };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.queue.length = 0;
    for (const c of this.clients) c.socket.destroy();
    await this.processing;
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const client: Client = { id: this.nextId++, socket, buffer: Buffer.alloc(0), started: false, pending: [], closed: false };
    this.clients.add(client);
    socket.on('data', (data: Buffer) => this.receive(client, data));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void this.disconnect(client));
  }

  private receive(client: Client, data: Buffer): void {
    client.buffer = client.buffer.length ? Buffer.concat([client.buffer, data]) : data;
    for (;;) {
      const b = client.buffer;
      if (!client.started) {
        // Untyped messages: SSLRequest, CancelRequest, StartupMessage (length first).
        if (b.length < 8) return;
        const length = b.readInt32BE(0);
        if (b.length < length) return;
        const code = b.readInt32BE(4);
        const message = b.subarray(0, length);
        client.buffer = b.subarray(length);
        if (code === SSL_REQUEST_CODE) client.socket.write('N');
        else if (code === CANCEL_REQUEST_CODE) client.socket.destroy();
        else if (code === PROTOCOL_V3) {
          client.started = true;
          this.enqueue({ client, bytes: new Uint8Array(message) });
        } else client.socket.destroy();
        continue;
      }
      if (b.length < 5) return;
      const length = 1 + b.readInt32BE(1);
      if (b.length < length) return;
      const type = String.fromCharCode(b[0]!);
      const message = b.subarray(0, length);
      client.buffer = b.subarray(length);
      if (type === 'X') {
        // Terminate ends this client, not the one shared backend session.
        client.socket.end();
        continue;
      }
      client.pending.push(message);
      if (UNIT_ENDS.has(type)) {
        const bytes = new Uint8Array(Buffer.concat(client.pending));
        client.pending = [];
        this.enqueue({ client, bytes });
      }
    }
  }

  private enqueue(unit: Unit): void {
    this.queue.push(unit);
    this.drain();
  }

  /** The client that alone may run next, if any. */
  private exclusiveClient(): Client | undefined {
    if (this.sticky && (this.sticky.client.closed || Date.now() > this.sticky.untilMs)) this.sticky = undefined;
    if (this.sticky) return this.sticky.client;
    if (this.owner && !this.owner.closed && this.db.isInTransaction()) return this.owner;
    return undefined;
  }

  private nextUnit(): Unit | undefined {
    const exclusive = this.exclusiveClient();
    if (exclusive) {
      const i = this.queue.findIndex((u) => u.client === exclusive);
      if (i === -1) {
        // Check again when a sticky hold can expire even if its client sends nothing more.
        if (this.sticky) setTimeout(() => this.drain(), Math.max(0, this.sticky.untilMs - Date.now()) + 1).unref();
        return undefined;
      }
      return this.queue.splice(i, 1)[0];
    }
    return this.queue.shift();
  }

  /**
   * Runs queued units until nothing runnable is left. A call while a run is in progress only marks
   * that the queue changed, so the run looks again before finishing (no unit is ever stranded).
   */
  private drain(): void {
    if (this.processing) {
      this.rerun = true;
      return;
    }
    this.processing = (async () => {
      try {
        do {
          this.rerun = false;
          await this.runQueue();
        } while (this.rerun && !this.stopping);
      } finally {
        this.processing = undefined;
      }
    })();
  }

  private async runQueue(): Promise<void> {
    for (let unit = this.nextUnit(); unit && !this.stopping; unit = this.nextUnit()) {
      const { client } = unit;
      if (client.closed) continue;
      const answer: Uint8Array[] = [];
      try {
        await this.db.runExclusive(() =>
          this.db.execProtocolRawStream(unit.bytes, {
            onRawData: (view: Uint8Array) => {
              // The view points into PGlite's WebAssembly memory, which the next query reuses; the
              // socket may send later, so it must get its own copy.
              const chunk = Buffer.from(view);
              answer.push(chunk);
              if (!client.closed) client.socket.write(chunk);
            },
          }),
        );
      } catch {
        client.socket.destroy();
      }
      this.owner = client;
      const failed = hasError(answer);
      // An error before the unit's Sync leaves the session skipping every message until a Sync. The
      // client sends its own once the error reaches it, but another client's unit run in between
      // would be skipped whole (answered by a bare ReadyForQuery, so it never settles). The server
      // syncs at once instead and drops the answer; the client's Sync then just gets its own.
      if (failed && !endsWithSync(unit.bytes)) await this.resync();
      this.sticky = leavesUnnamedStatementPending(unit.bytes) && !failed ? { client, untilMs: Date.now() + STICKY_TIMEOUT_MS } : undefined;
    }
  }

  private async resync(): Promise<void> {
    try {
      await this.db.runExclusive(() => this.db.execProtocolRawStream(SYNC, { onRawData: () => {} }));
    } catch {
      // Nothing to answer: the next unit runs on whatever state the session is in, as before.
    }
  }

  private async disconnect(client: Client): Promise<void> {
    if (client.closed) return;
    client.closed = true;
    this.clients.delete(client);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.client === client) this.queue.splice(i, 1);
    if (this.stopping) return;
    if (this.owner === client && this.db.isInTransaction()) {
      // exec takes PGlite's own lock (wrapping it in runExclusive would deadlock).
      await this.db.exec('ROLLBACK');
    }
    if (this.owner === client) this.owner = undefined;
    if (this.sticky?.client === client) this.sticky = undefined;
    this.drain();
  }
}
