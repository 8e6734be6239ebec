/**
 * Tools of the attacker suite: raw MQTT bytes on a socket from a chosen loopback address
 * (Linux routes all of 127.0.0.0/8 to the loopback interface, so 127.0.0.2 stands for
 * "another machine"), and a timer.
 */
import { connect, type Socket } from 'node:net';
import { MqttClient, type IClientOptions } from 'mqtt';
import { generate } from 'mqtt-packet';

/** MQTT "remaining length" (variable-length integer, MQTT 3.1.1 §2.2.3). */
export function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

export function rawSocket(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', localAddress });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/**
 * Announces a packet of `announced` bytes (fixed header 0x10 = CONNECT, or 0x32 = QoS1
 * PUBLISH) and streams filler until the peer closes or `announced` bytes went out.
 * Resolves with the bytes written before the peer closed.
 */
export async function streamOversized(socket: Socket, headerByte: number, announced: number, prefix: Buffer = Buffer.alloc(0)): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  let closed = false;
  socket.on('error', () => undefined);
  socket.once('close', () => {
    closed = true;
  });
  const write = (b: Buffer) =>
    new Promise<void>((resolve) => {
      if (closed || !socket.write(b)) socket.once('drain', resolve).once('close', resolve);
      else resolve();
    });
  await write(Buffer.concat([prefix, Buffer.from([headerByte]), remainingLength(announced)]));
  while (!closed && sent < announced) {
    const n = Math.min(chunk.length, announced - sent);
    await write(n === chunk.length ? chunk : chunk.subarray(0, n));
    sent += n;
  }
  socket.destroy();
  return sent;
}

/** The bytes of a valid CONNECT packet. */
export function connectPacket(opts: { clientId: string; username?: string; password?: string }): Buffer {
  return generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    keepalive: 30,
    clientId: opts.clientId,
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(opts.password !== undefined ? { password: Buffer.from(opts.password) } : {}),
  });
}

/** Connects with mqtt.js from a given local address; rejects with the broker's refusal. */
export function mqttFrom(url: string, localAddress: string, opts: IClientOptions): Promise<MqttClient> {
  const { port } = new URL(url);
  const client = new MqttClient(() => connect({ port: Number(port), host: '127.0.0.1', localAddress }), {
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    protocolVersion: 4,
    ...opts,
  });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

export const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
