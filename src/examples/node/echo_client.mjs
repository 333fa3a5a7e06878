// Node.js client with the built-in net module: send a message, collect the echo, compare, print.
import net from 'node:net';

const [host = 'localhost', port = '12345', message = 'Hello, server!'] = process.argv.slice(2);
const sent = Buffer.from(message);
const chunks = [];
let received = 0;

const socket = net.connect({ host, port: Number(port) }, () => socket.write(sent));
socket.setTimeout(10000, () => socket.destroy(new Error('no echo within 10 s')));
socket.on('data', (chunk) => {
  chunks.push(chunk);
  received += chunk.length;
  if (received >= sent.length) socket.end();
});
socket.on('close', () => {
  const echoed = Buffer.concat(chunks);
  if (!echoed.equals(sent)) {
    console.error(`echo mismatch: sent ${JSON.stringify(message)}, received ${JSON.stringify(echoed.toString())}`);
    process.exit(1);
  }
  console.log(`Received ${echoed.toString()}`);
});
socket.on('error', (err) => {
  console.error(`cannot talk to ${host}:${port}: ${err.message}`);
  process.exit(1);
});
