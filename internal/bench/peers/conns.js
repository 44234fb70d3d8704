// The connections benchmark for Node's net module: n connections to the
// slow server at once, each sending "Request i" (no newline) and reading
// one line, on one event loop. It prints how many were answered and the
// time from the first connect to the last answer as one JSON line.
//
//   node conns.js HOST PORT N TIMEOUT_MS
'use strict';

const net = require('net');

const [host, portArg, nArg, timeoutArg] = process.argv.slice(2);
const port = Number(portArg), n = Number(nArg), timeoutMs = Number(timeoutArg);
if (!(host && port > 0 && n > 0 && timeoutMs > 0)) {
  console.error('usage: node conns.js HOST PORT N TIMEOUT_MS');
  process.exit(2);
}

let answered = 0, failed = 0, error = '';

function request(i) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let reply = '', done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      if (err) {
        failed++;
        if (!error) error = `request ${i}: ${err.message}`;
      } else {
        answered++;
      }
      socket.destroy();
      resolve();
    };
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => finish(new Error('timeout')));
    socket.on('connect', () => socket.write(`Request ${i}`));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\n')) {
        finish(reply.startsWith('busy:') ? new Error('server busy') : null);
      }
    });
    socket.on('end', () => finish(new Error('closed without a reply')));
    socket.on('error', (err) => finish(err));
  });
}

const began = process.hrtime.bigint();
const requests = [];
for (let i = 1; i <= n; i++) {
  requests.push(request(i));
}
Promise.all(requests).then(() => {
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  console.log(JSON.stringify({ answered, failed, seconds, error }));
});
