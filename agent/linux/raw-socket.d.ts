/**
 * @module Types for `raw-socket` 1.8.1, which ships none (its package.json names no `types` and
 * the package has no .d.ts). Only what the VRRP transport uses. Received buffers are slices of one
 * shared receive buffer (its index.js `onRecvReady`): copy them.
 */
declare module 'raw-socket' {
  import type { EventEmitter } from 'node:events';

  export const AddressFamily: { IPv4: 1; IPv6: 2 };
  export const SocketLevel: { SOL_SOCKET: number; IPPROTO_IP: number; IPPROTO_IPV6: number };
  export const SocketOption: {
    SO_BINDTODEVICE: number;
    SO_RCVBUF: number;
    IP_HDRINCL: number;
    IP_TTL: number;
    IPV6_UNICAST_HOPS: number;
  };

  export interface SocketOptions {
    protocol?: number;
    addressFamily?: 1 | 2;
    bufferSize?: number;
  }

  export interface Socket extends EventEmitter {
    on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'close', listener: () => void): this;
    setOption(level: number, option: number, value: number): void;
    setOption(level: number, option: number, value: Buffer, length: number): void;
    send(
      buffer: Buffer,
      offset: number,
      length: number,
      address: string,
      afterCallback: (error: Error | null, bytes: number) => void,
    ): this;
    /**
     * The native socket (raw.cc `SocketWrap`): `send` calls sendto(2) at once and then `callback`
     * synchronously; it throws the errno's text on failure (EAGAIN included).
     */
    readonly wrap: {
      send(
        buffer: Buffer,
        offset: number,
        length: number,
        address: string,
        callback: (bytes: number) => void,
      ): void;
    };
    /** Sends queued by `send` and waiting for the socket to be writable. */
    readonly requests: readonly unknown[];
    pauseRecv(): this;
    resumeRecv(): this;
    close(): this;
  }

  export function createSocket(options: SocketOptions): Socket;

  const raw: {
    AddressFamily: typeof AddressFamily;
    SocketLevel: typeof SocketLevel;
    SocketOption: typeof SocketOption;
    createSocket: typeof createSocket;
  };
  export default raw;
}
