// A remote attacker, as its own process: opens `count` sockets from `address` to the MQTT
// port at once, each sending a CONNECT with a wrong password, and prints one JSON line:
// how each ended (CONNACK return code, or "closed" without one). Prints "started" as soon
// as every connect has been issued.
//   node tests/security/connect-flood.mjs <port> <address> <count> <username> <clientIdPrefix>
import { connect } from 'node:net';
import mqttPacket from 'mqtt-packet';

const [port, address, count, username, prefix] = process.argv.slice(2);
const outcomes = {};
const one = (i) =>
  new Promise((resolve) => {
    let ended = false;
    const done = (what) => {
      if (ended) return;
      ended = true;
      outcomes[what] = (outcomes[what] ?? 0) + 1;
      socket.destroy();
      resolve();
    };
    const socket = connect({ port: Number(port), host: '127.0.0.1', localAddress: address });
    socket.on('error', () => undefined);
    socket.once('data', (d) => done(d[0] === 0x20 && d.length >= 4 ? String(d[3]) : 'not a CONNACK'));
    socket.once('close', () => done('closed'));
    socket.once('connect', () => {
      socket.write(mqttPacket.generate({
        cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 30,
        clientId: `${prefix}:${i}`, username, password: Buffer.from('wrong-password'),
      }));
    });
  });
const all = Array.from({ length: Number(count) }, (_, i) => one(i));
console.log('started');
await Promise.all(all);
console.log(JSON.stringify(outcomes));
