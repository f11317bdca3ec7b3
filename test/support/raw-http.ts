/**
 * @module Raw HTTP/1.1 clients on a socket, for what fetch cannot do: a chunked upload that
 * never ends, a body that stalls, headers Node would refuse to send. Used by the HTTP edge tests
 * and the hostile-client benchmark.
 */
import { connect, type Socket } from 'node:net';

/** A raw HTTP/1.1 exchange: write `head`, then feed the body through the returned socket. */
// One framed copy per chunk, shared by every client: 40 uploads must not cost the client 40 MiB.
const frames = new WeakMap<Buffer, Buffer>();
function chunkFrame(chunk: Buffer): Buffer {
  let framed = frames.get(chunk);
  if (!framed) {
    framed = Buffer.concat([
      Buffer.from(`${chunk.length.toString(16)}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    ]);
    frames.set(chunk, framed);
  }
  return framed;
}

export class RawClient {
  readonly socket: Socket;
  response = '';
  readonly answered: Promise<string>;
  readonly closed: Promise<void>;

  constructor(port: number, head: string) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('error', () => {}); // the server may reset a connection it refused
    this.answered = new Promise((resolve) => {
      this.socket.on('data', (chunk: Buffer) => {
        this.response += chunk.toString('latin1');
        if (/\r\n\r\n/.test(this.response)) resolve(this.response);
      });
      this.socket.on('close', () => resolve(this.response));
    });
    this.closed = new Promise((resolve) => this.socket.on('close', () => resolve()));
    this.socket.write(head);
  }

  status(): number {
    return Number(this.response.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0);
  }

  header(name: string): string | undefined {
    const head = this.response.split('\r\n\r\n')[0] ?? '';
    return head.match(new RegExp(`^${name}:\\s*(.*)$`, 'im'))?.[1]?.trim();
  }

  problem(): { type: string; status: number } {
    return JSON.parse(this.response.slice(this.response.indexOf('\r\n\r\n') + 4)) as {
      type: string;
      status: number;
    };
  }

  /** Writes 1 MiB chunks until the answer arrives or `maxBytes` went out; returns bytes sent. */
  async upload(maxBytes: number, chunk: Buffer): Promise<number> {
    let sent = 0;
    let answered = false;
    void this.answered.then(() => (answered = true));
    const framed = chunkFrame(chunk);
    while (!answered && sent + chunk.length <= maxBytes && !this.socket.destroyed) {
      sent += chunk.length;
      if (!this.socket.write(framed)) {
        await Promise.race([
          new Promise((resolve) => this.socket.once('drain', resolve)),
          this.answered,
        ]);
      }
    }
    return sent;
  }

  /** Writes 1 MiB chunks until the server closes the connection or `maxBytes` went out. */
  async uploadUntilClosed(maxBytes: number, chunk: Buffer): Promise<number> {
    let sent = 0;
    let closed = false;
    void this.closed.then(() => (closed = true));
    const framed = chunkFrame(chunk);
    while (!closed && sent + chunk.length <= maxBytes && this.socket.writable) {
      sent += chunk.length;
      if (!this.socket.write(framed)) {
        await Promise.race([
          new Promise((resolve) => this.socket.once('drain', resolve)),
          this.closed,
        ]);
      }
    }
    return sent;
  }
}

export const post = (path: string, headers: Record<string, string>) =>
  `POST ${path} HTTP/1.1\r\nHost: test\r\n` +
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('') +
  '\r\n';
