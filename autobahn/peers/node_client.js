#!/usr/bin/env node
// Fuzzing-server client on Node's ws (autobahn/peers/node), for the
// wirefast autobahn agreement tests. It speaks the Autobahn URL protocol:
// /getCaseCount, then /runCase?case=N&agent=A for every case, echoing every
// message, then /updateReports?agent=A.
//
//     node node_client.js --url ws://127.0.0.1:9001 --agent NAME [--compress]
'use strict';
const path = require('path');
const WebSocket = require(path.join(__dirname, 'node', 'node_modules', 'ws'));
const version = require(path.join(__dirname, 'node', 'node_modules', 'ws', 'package.json')).version;

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const base = opt('--url', 'ws://127.0.0.1:9001');
const agent = encodeURIComponent(opt('--agent', 'node-ws'));
const compress = args.includes('--compress');

// open runs one connection: it echoes every message and resolves with the
// first message when the connection closes.
function open(url, echo) {
  return new Promise((resolve) => {
    let first = null;
    const ws = new WebSocket(url, {
      // No size or fragment-count limits (see node_echo.js).
      maxPayload: 0,
      maxFragments: 0,
      // Compress every message, however small, when compression is on.
      perMessageDeflate: compress ? { threshold: 0 } : false,
    });
    ws.on('message', (data, isBinary) => {
      if (first === null) first = data.toString();
      if (echo) ws.send(data, { binary: isBinary });
    });
    ws.on('error', () => {});
    ws.on('close', () => resolve(first));
  });
}

(async () => {
  const count = JSON.parse(await open(`${base}/getCaseCount`, false));
  for (let n = 1; n <= count; n++) {
    await open(`${base}/runCase?case=${n}&agent=${agent}`, true);
  }
  await open(`${base}/updateReports?agent=${agent}`, false);
  console.log(`ws ${version} ran ${count} cases`);
})();
