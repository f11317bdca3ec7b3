/**
 * @module A simulated LAN for in-process VRRP scenarios: the socket factory of the engine
 * (agent/vrrp/vrrp-sockets.ts `OpenVrrpSocket`) for each host, delivering every advert to the
 * other hosts' sockets of its family after a fixed latency, multicast (224.0.0.18, ff02::12)
 * to all, unicast to the host with that address. Delivery goes through the receiving host's
 * clock, so a killed host receives nothing. A host can be cut off (its link is down), and the
 * next adverts of a host that match a test can be lost (`loseNext`).
 */
import type { OpenVrrpSocket } from '../../../agent/vrrp/vrrp-sockets.js';
import type { ReceivedPacket } from '../../../agent/linux/vrrp-socket.js';
import type { SimTime } from './sim-time.js';

interface Endpoint {
  host: string;
  address: string;
  family: 'ipv4' | 'ipv6';
  onPacket: (packet: ReceivedPacket) => void;
  closed: boolean;
}

const MULTICAST = new Set(['224.0.0.18', 'ff02::12']);

export class SimLan {
  private readonly endpoints: Endpoint[] = [];
  private readonly cut = new Set<string>();
  private readonly losses: Array<{ host: string; match: (payload: Uint8Array) => boolean }> = [];
  /** Every advert sent, for assertions. */
  readonly sent: Array<{ atMs: number; host: string; destination: string; payload: Uint8Array }> =
    [];

  constructor(
    private readonly time: SimTime,
    private readonly latencyMs = 0.2,
  ) {}

  /** The socket factory of `host`, whose primary address is `address`. */
  socketsOf(host: string, address: string): OpenVrrpSocket {
    return (options, onPacket) => {
      const endpoint: Endpoint = { host, address, family: options.family, onPacket, closed: false };
      this.endpoints.push(endpoint);
      return {
        send: (payload, destination, source) => {
          if (endpoint.closed || this.cut.has(host)) return Promise.resolve();
          this.sent.push({ atMs: this.time.now, host, destination, payload });
          const lost = this.losses.findIndex((l) => l.host === host && l.match(payload));
          if (lost >= 0) {
            this.losses.splice(lost, 1);
            return Promise.resolve();
          }
          for (const peer of this.endpoints) {
            if (peer === endpoint || peer.closed || peer.host === host) continue;
            if (peer.family !== endpoint.family || this.cut.has(peer.host)) continue;
            if (!MULTICAST.has(destination) && destination.split('%')[0] !== peer.address) continue;
            const copy = Uint8Array.from(payload);
            this.time.clock(peer.host).after(this.latencyMs, () => {
              if (!peer.closed && !this.cut.has(peer.host))
                peer.onPacket({
                  payload: copy,
                  family: peer.family,
                  source,
                  destination,
                  ttl: 255,
                });
            });
          }
          return Promise.resolve();
        },
        close: () => void (endpoint.closed = true),
      };
    };
  }

  /** The next advert `host` sends that `match`es reaches nobody (once per call). */
  loseNext(host: string, match: (payload: Uint8Array) => boolean): void {
    this.losses.push({ host, match });
  }

  /** `host`'s link is down (or back up): it neither sends nor receives. */
  setCut(host: string, cut: boolean): void {
    if (cut) this.cut.add(host);
    else this.cut.delete(host);
  }
}
