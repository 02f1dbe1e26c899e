#!/usr/bin/env node
// Echo server on Node's ws (autobahn/peers/node), for the wirefast autobahn
// agreement tests: every text or binary message is sent back with the same
// type.
//
//     node node_echo.js --port 9001 [--compress]
'use strict';
const path = require('path');
const { WebSocketServer } = require(path.join(__dirname, 'node', 'node_modules', 'ws'));
const version = require(path.join(__dirname, 'node', 'node_modules', 'ws', 'package.json')).version;

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const host = opt('--host', '127.0.0.1');
const port = Number(opt('--port', '9001'));
const compress = args.includes('--compress');

const wss = new WebSocketServer({
  host,
  port,
  // No size or fragment-count limits: the catalogue sends 16 MiB messages
  // (9.1.6) and 65537 fragments (9.3.1). ws 8.23 otherwise fails 9.3.1,
  // 9.3.2, 9.4.1 and 9.4.2 with 1008 (default maxFragments 16384).
  maxPayload: 0,
  maxFragments: 0,
  // Compress every message, however small, when compression is on.
  perMessageDeflate: compress ? { threshold: 0 } : false,
});
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {});
});
wss.on('listening', () => console.log(`ws ${version} echo server on ws://${host}:${port}`));
