/**
 * Maximum MQTT packet size for the embedded broker. aedes 1.x (through mqtt-packet) buffers
 * a packet until its announced length has arrived, so one socket announcing a 200 MB
 * CONNECT could make the hub hold 200 MB before anyone authenticated. This guard sits
 * between the socket and aedes: it reads only each packet's fixed header (type byte and
 * "remaining length", MQTT 3.1.1 §2.2.3) and drops the connection as soon as a packet
 * announces more than its limit — the first packet (CONNECT, before authentication) has
 * a small one. Mosquitto's `max_packet_size` does the same.
 */
import { Duplex, Transform, pipeline, type TransformCallback } from 'node:stream';
import type { Socket } from 'node:net';

export interface PacketLimits {
  /** The first packet (CONNECT: client id, credentials, Last Will). */
  firstPacketBytes: number;
  /** Every later packet (a snapshot JPEG plus its topic is the largest legitimate one). */
  packetBytes: number;
}

export class PacketTooLarge extends Error {
  constructor(
    readonly announced: number,
    readonly limit: number,
    readonly first: boolean,
  ) {
    super(`MQTT packet of ${announced} bytes announced; the limit is ${limit}`);
    this.name = 'PacketTooLarge';
  }
}

/** Follows packet boundaries through the byte stream; throws PacketTooLarge on an oversized one. */
export class PacketSizeTracker {
  #first = true;
  /** Bytes of the current packet's body still to pass. */
  #body = 0;
  /** Inside a fixed header: after the type byte, reading the variable-length integer. */
  #inHeader = false;
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;

  constructor(private readonly limits: PacketLimits) {}

  feed(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#body > 0) {
        const take = Math.min(this.#body, chunk.length - i);
        this.#body -= take;
        i += take;
        continue;
      }
      const byte = chunk[i++]!;
      if (!this.#inHeader) {
        this.#inHeader = true;
        this.#length = 0;
        this.#multiplier = 1;
        this.#lengthBytes = 0;
        continue;
      }
      this.#length += (byte & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      this.#lengthBytes += 1;
      const more = (byte & 0x80) !== 0;
      // A fifth length byte is malformed; mqtt-packet rejects it too, treat it as oversized.
      if (more && this.#lengthBytes >= 4) throw new PacketTooLarge(Number.MAX_SAFE_INTEGER, this.#limit(), this.#first);
      if (more) continue;
      const total = 1 + this.#lengthBytes + this.#length;
      if (total > this.#limit()) throw new PacketTooLarge(total, this.#limit(), this.#first);
      this.#first = false;
      this.#inHeader = false;
      this.#body = this.#length;
    }
  }

  #limit(): number {
    return this.#first ? this.limits.firstPacketBytes : this.limits.packetBytes;
  }
}

/**
 * The stream aedes reads from instead of the socket: the same bytes, checked packet by
 * packet; writes go straight to the socket. `onRefuse` is called once when a packet is
 * too large, after which the socket is destroyed.
 */
export function guardPackets(socket: Socket, limits: PacketLimits, onRefuse: (err: PacketTooLarge) => void): Duplex {
  const tracker = new PacketSizeTracker(limits);
  const checked = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      try {
        tracker.feed(chunk);
      } catch (err) {
        if (err instanceof PacketTooLarge) {
          onRefuse(err);
          socket.destroy();
          return done();
        }
        return done(err as Error);
      }
      done(null, chunk);
    },
  });
  // pipeline: a socket that closes or fails ends the checked side too, so aedes sees it.
  pipeline(socket, checked, () => undefined);
  return Duplex.from({ readable: checked, writable: socket });
}
