/**
 * A TCP relay between the service and the test Neo4j that reads the Bolt messages the driver
 * sends: for each statement, the access mode of the transaction it ran in ("r" or "w", as the
 * server is told in BEGIN, or in RUN for an auto-commit one) and the bookmarks that transaction
 * waited for. What is recorded is what went over the wire, not what the code meant to send.
 */
import net from "node:net";

export interface TappedStatement {
  query: string;
  mode: "r" | "w";
  bookmarks: string[];
}

export interface BoltTap {
  uri: string;
  statements: TappedStatement[];
  close(): Promise<void>;
}

const MANIFEST_V1 = 0x000001ff;
const BEGIN = 0x11;
const RUN = 0x10;

/** Starts a relay to `target` (a bolt:// URI) on a free local port. */
export async function startBoltTap(target: string): Promise<BoltTap> {
  const { hostname, port } = new URL(target);
  const statements: TappedStatement[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    const reader = new ClientReader(statements);
    client.on("data", (b: Buffer) => {
      reader.push(b);
      upstream.write(b);
    });
    upstream.on("data", (b: Buffer) => {
      reader.server(b);
      client.write(b);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  return {
    uri: `bolt://127.0.0.1:${address.port}`,
    statements,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The client's side of one connection: the 20-byte handshake, the version choice when the server
 * answered with a manifest (Bolt 5.7+), then chunked messages.
 */
class ClientReader {
  private buf = Buffer.alloc(0);
  private state: "handshake" | "choice" | "chunks" = "handshake";
  private serverReply = Buffer.alloc(0);
  private message: Buffer[] = [];
  private tx: { mode: "r" | "w"; bookmarks: string[] } | null = null;

  constructor(private readonly out: TappedStatement[]) {}

  server(b: Buffer): void {
    if (this.serverReply.length >= 4) return;
    this.serverReply = Buffer.concat([this.serverReply, b]);
    this.push(Buffer.alloc(0));
  }

  push(b: Buffer): void {
    this.buf = Buffer.concat([this.buf, b]);
    for (;;) {
      if (this.state === "handshake") {
        if (this.buf.length < 20) return;
        this.buf = this.buf.subarray(20);
        this.state = "choice";
      } else if (this.state === "choice") {
        // The client sends nothing more before the server has answered the handshake.
        if (this.serverReply.length < 4) return;
        if (this.serverReply.readUInt32BE(0) !== MANIFEST_V1) this.state = "chunks";
        else {
          // The chosen version (4 bytes) and the capabilities (a varint).
          let end = 4;
          while (end < this.buf.length && (this.buf[end] as number) & 0x80) end++;
          if (end >= this.buf.length) return;
          this.buf = this.buf.subarray(end + 1);
          this.state = "chunks";
        }
      } else {
        if (this.buf.length < 2) return;
        const size = this.buf.readUInt16BE(0);
        if (this.buf.length < 2 + size) return;
        if (size === 0) this.onMessage(Buffer.concat(this.message));
        else this.message.push(this.buf.subarray(2, 2 + size));
        if (size === 0) this.message = [];
        this.buf = this.buf.subarray(2 + size);
      }
    }
  }

  private onMessage(m: Buffer): void {
    if (m.length < 2) return; // a NOOP (keep-alive)
    const tag = m[1];
    if (tag !== BEGIN && tag !== RUN) {
      if (tag !== 0x3f /* PULL */ && tag !== 0x2f /* DISCARD */) this.tx = null; // COMMIT, ROLLBACK, RESET…
      return;
    }
    const fields = new PackStream(m, 2).fields((m[0] as number) & 0x0f);
    if (tag === BEGIN) {
      this.tx = txOf(fields[0]);
      return;
    }
    const query = String(fields[0]);
    // A RUN outside a transaction is an auto-commit one, with its own mode and bookmarks.
    const tx = this.tx ?? txOf(fields[2]);
    this.out.push({ query, ...tx });
  }
}

function txOf(extra: unknown): { mode: "r" | "w"; bookmarks: string[] } {
  const map = (extra ?? {}) as { mode?: string; bookmarks?: string[] };
  return { mode: map.mode === "r" ? "r" : "w", bookmarks: map.bookmarks ?? [] };
}

/** Enough of PackStream to read BEGIN and RUN. */
class PackStream {
  constructor(
    private readonly b: Buffer,
    private at: number,
  ) {}

  fields(n: number): unknown[] {
    return Array.from({ length: n }, () => this.value());
  }

  private u(n: number): number {
    const v =
      n === 1
        ? this.b.readUInt8(this.at)
        : n === 2
          ? this.b.readUInt16BE(this.at)
          : this.b.readUInt32BE(this.at);
    this.at += n;
    return v;
  }

  private text(n: number): string {
    const s = this.b.toString("utf8", this.at, this.at + n);
    this.at += n;
    return s;
  }

  private map(n: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) out[String(this.value())] = this.value();
    return out;
  }

  value(): unknown {
    const m = this.u(1);
    if (m < 0x80) return m; // tiny int
    if (m >= 0xf0) return m - 0x100;
    const hi = m & 0xf0;
    if (hi === 0x80) return this.text(m & 0x0f);
    if (hi === 0x90) return this.fields(m & 0x0f);
    if (hi === 0xa0) return this.map(m & 0x0f);
    if (hi === 0xb0) {
      this.u(1); // the structure's tag
      return this.fields(m & 0x0f);
    }
    switch (m) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc1: {
        const v = this.b.readDoubleBE(this.at);
        this.at += 8;
        return v;
      }
      case 0xc8:
        return this.b.readInt8(this.at++);
      case 0xc9: {
        const v = this.b.readInt16BE(this.at);
        this.at += 2;
        return v;
      }
      case 0xca: {
        const v = this.b.readInt32BE(this.at);
        this.at += 4;
        return v;
      }
      case 0xcb: {
        const v = this.b.readBigInt64BE(this.at);
        this.at += 8;
        return Number(v);
      }
      case 0xcc:
      case 0xcd:
      case 0xce: {
        const n = this.u(m === 0xcc ? 1 : m === 0xcd ? 2 : 4);
        this.at += n;
        return null; // bytes: not needed
      }
      case 0xd0:
      case 0xd1:
      case 0xd2:
        return this.text(this.u(m === 0xd0 ? 1 : m === 0xd1 ? 2 : 4));
      case 0xd4:
      case 0xd5:
      case 0xd6:
        return this.fields(this.u(m === 0xd4 ? 1 : m === 0xd5 ? 2 : 4));
      case 0xd8:
      case 0xd9:
      case 0xda:
        return this.map(this.u(m === 0xd8 ? 1 : m === 0xd9 ? 2 : 4));
      default:
        throw new Error(`PackStream marker 0x${m.toString(16)} not understood`);
    }
  }
}
