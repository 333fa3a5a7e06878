// Node.js WebSocket client: send one text message to EchoKit's WebSocket echo, wait for it to come back,
// compare, print. No npm package needed: Node 22 and later have a global WebSocket; on Node 20 (20.10 or
// later) run with --experimental-websocket:
//
//   node --experimental-websocket src/examples/node/ws_client.mjs ws://localhost:12380/ws 'Hello, server!'
//
// With TLS (wss://) and EchoKit's self-signed certificate, point NODE_EXTRA_CA_CERTS at the certificate
// file the server logs at start-up.

const [url = 'ws://localhost:12380/ws', message = 'Hello, server!'] = process.argv.slice(2);
/** No echo within this long means the server is not answering. */
const TIMEOUT_MS = 10_000;

function fail(reason) {
  console.error(reason);
  process.exit(1);
}

if (typeof WebSocket === 'undefined') {
  fail(`this Node.js (${process.version}) has no WebSocket: run it with --experimental-websocket (Node 20.10+)`);
}

const timer = setTimeout(() => fail(`no echo from ${url} within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
const ws = new WebSocket(url);
ws.addEventListener('open', () => ws.send(message));
ws.addEventListener('message', (event) => {
  clearTimeout(timer);
  if (typeof event.data !== 'string') {
    fail('echo came back as a binary message; a text message must stay text');
  }
  if (event.data !== message) {
    fail(`echo mismatch: sent ${JSON.stringify(message)}, received ${JSON.stringify(event.data)}`);
  }
  console.log(`Received ${event.data}`);
  // 1000: a normal close; the server answers with the same code.
  ws.close(1000, 'done');
});
ws.addEventListener('close', (event) => {
  if (event.code !== 1000) {
    fail(`connection to ${url} closed with ${event.code}${event.reason ? ' (' + event.reason + ')' : ''}`);
  }
});
ws.addEventListener('error', () => fail(`cannot talk to ${url}`));
