#!/usr/bin/env node
// Echo peer on Node's ws (8.x) for wirefast's interop tests.
//
//   node node_peer.js server [--compression=off|default] [--lifetime=SECONDS]
//   node node_peer.js client [URL...] [--compression=off|default] [--lifetime=SECONDS]
//
// The server listens on a free port of 127.0.0.1 until its stdin reaches
// end of file (the Go test holds it open). The client connects to each URL
// in turn, the next once the previous connection has closed, reading the
// URLs from stdin, one per line, when none are given; it exits when done,
// with status 1 if any connection saw an error. Each connection echoes
// every data message and obeys the text commands described in
// ../README.md; events go to stdout as JSON lines. Either way the process
// exits after --lifetime seconds (300).
//
// A "deflate" query parameter in a connection's URL configures
// permessage-deflate for that connection, overriding --compression, on the
// server (read from the request) as on the client (read from its own URL):
// a comma-separated list of RFC 7692 parameters, such as
// deflate=server_no_context_takeover,client_max_window_bits=10, mapped to
// ws's perMessageDeflate options (serverNoContextTakeover, ...), with
// threshold 0 so that every message is compressed; an empty list enables
// the extension with no parameter.
'use strict';

const http = require('http');
const { WebSocket, WebSocketServer } = require('ws');

const CMD = 'cmd:';
const PING_TIMEOUT = 10000; // ms
const MAX_PAYLOAD = 64 << 20; // bytes; the tests send up to 8 MiB

function report(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

// split cuts buf into at most n non-empty pieces at any byte, so the
// pieces of a text message may split a UTF-8 sequence.
function split(buf, n) {
  if (n <= 1 || buf.length <= 1) return [buf];
  const size = Math.ceil(buf.length / Math.min(n, buf.length));
  const parts = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return parts;
}

// deflateOptions returns ws's perMessageDeflate options for the deflate
// query parameter of url (a URL object), or undefined when it has none.
// On a client, an absent client_max_window_bits is not offered.
function deflateOptions(url, isServer) {
  const list = url.searchParams.get('deflate');
  if (list === null) return undefined;
  const opts = { threshold: 0 };
  if (!isServer) opts.clientMaxWindowBits = false;
  const names = {
    server_no_context_takeover: 'serverNoContextTakeover',
    client_no_context_takeover: 'clientNoContextTakeover',
    server_max_window_bits: 'serverMaxWindowBits',
    client_max_window_bits: 'clientMaxWindowBits',
  };
  for (const item of list.split(',').filter((x) => x)) {
    const i = item.indexOf('=');
    const name = names[i < 0 ? item : item.slice(0, i)];
    const isBits = name && name.endsWith('MaxWindowBits');
    if (!name || (i >= 0 && !isBits)) throw new Error('bad deflate parameter ' + JSON.stringify(item));
    opts[name] = i < 0 ? true : Number(item.slice(i + 1));
  }
  return opts;
}

// echo serves ws; negotiated returns the Sec-WebSocket-Extensions header
// of the handshake response.
function echo(ws, path, onClosed, negotiated) {
  let fragments = 0;
  let failed = false;
  const opened = () =>
    report({
      event: 'open',
      path,
      extensions: ws.extensions ? ws.extensions.split(', ') : [],
      negotiated: negotiated(),
    });
  if (ws.readyState === WebSocket.OPEN) opened();
  else ws.once('open', opened);

  ws.on('message', (data, isBinary) => {
    if (!isBinary && data.length >= CMD.length && data.toString('latin1', 0, CMD.length) === CMD) {
      command(data.toString('utf8', CMD.length));
      return;
    }
    if (fragments > 1) {
      // A text message goes out with the text opcode and its bytes as they
      // are, even when a piece ends inside a UTF-8 sequence.
      const parts = split(data, fragments);
      parts.forEach((part, i) => ws.send(part, { binary: isBinary, fin: i === parts.length - 1 }));
    } else {
      ws.send(data, { binary: isBinary });
    }
  });

  function command(cmd) {
    const i = cmd.indexOf(':');
    const name = i < 0 ? cmd : cmd.slice(0, i);
    const arg = i < 0 ? '' : cmd.slice(i + 1);
    switch (name) {
      case 'fragment':
        fragments = Number(arg);
        break;
      case 'ping': {
        const timer = setTimeout(() => {
          report({ event: 'error', path, error: 'no pong for ping ' + JSON.stringify(arg) });
          ws.terminate();
        }, PING_TIMEOUT);
        const onPong = (payload) => {
          if (payload.toString() !== arg) return;
          clearTimeout(timer);
          ws.off('pong', onPong);
          ws.send('pong:' + arg);
        };
        ws.on('pong', onPong);
        ws.ping(Buffer.from(arg));
        break;
      }
      case 'stats':
        ws.send('stats:' + ws._socket.bytesRead + ':' + ws._socket.bytesWritten);
        break;
      case 'close': {
        const j = arg.indexOf(':');
        ws.close(Number(j < 0 ? arg : arg.slice(0, j)), j < 0 ? '' : arg.slice(j + 1));
        break;
      }
      default:
        report({ event: 'error', path, error: 'unknown command ' + JSON.stringify(cmd) });
    }
  }

  ws.on('error', (err) => {
    failed = true;
    report({ event: 'error', path, error: String(err) });
  });
  ws.on('close', (code, reason) => {
    report({ event: 'closed', path, code, reason: reason.toString() });
    if (onClosed) onClosed(failed);
  });
}

function parseArgs(argv) {
  const args = { mode: argv[0], urls: [], compression: 'off', lifetime: 300 };
  for (const a of argv.slice(1)) {
    if (a.startsWith('--compression=')) args.compression = a.slice('--compression='.length);
    else if (a.startsWith('--lifetime=')) args.lifetime = Number(a.slice('--lifetime='.length));
    else if (!a.startsWith('--')) args.urls.push(a);
    else usage('unexpected argument ' + a);
  }
  if (!['server', 'client'].includes(args.mode)) usage('mode must be server or client');
  if (args.mode === 'server' && args.urls.length > 0) usage('server takes no URL');
  if (!['off', 'default'].includes(args.compression)) usage('--compression must be off or default');
  return args;
}

function usage(msg) {
  process.stderr.write('node_peer.js: ' + msg + '\nusage: node node_peer.js server|client [URL...] [--compression=off|default] [--lifetime=SECONDS]\n');
  process.exit(2);
}

// connectEach connects to each URL in turn, the next once the previous
// connection has closed, taking them from urls or, when there are none,
// from stdin, one per line. It exits when done, with status 1 if any
// connection saw an error.
function connectEach(urls, opts) {
  const queue = [...urls];
  let inputDone = urls.length > 0;
  let busy = false;
  let failed = false;
  const next = () => {
    if (busy) return;
    if (queue.length === 0) {
      if (inputDone) process.exit(failed ? 1 : 0);
      return;
    }
    busy = true;
    const url = queue.shift();
    const done = (f) => {
      failed = failed || f;
      busy = false;
      next();
    };
    let ws, path;
    let negotiated = '';
    try {
      const u = new URL(url);
      path = u.pathname;
      const deflate = deflateOptions(u, false);
      ws = new WebSocket(url, deflate ? { ...opts, perMessageDeflate: deflate } : opts);
    } catch (err) {
      report({ event: 'error', path: path || '', error: String(err) });
      done(true);
      return;
    }
    ws.on('upgrade', (res) => {
      negotiated = res.headers['sec-websocket-extensions'] || '';
    });
    echo(ws, path, done, () => negotiated);
  };
  if (!inputDone) {
    const rl = require('readline').createInterface({ input: process.stdin });
    rl.on('line', (line) => {
      if (line.trim()) {
        queue.push(line.trim());
        next();
      }
    });
    rl.on('close', () => {
      inputDone = true;
      next();
    });
  }
  next();
}

// serve listens on a free port of 127.0.0.1 and echoes on every
// connection, through one WebSocketServer per deflate configuration.
function serve(opts) {
  const servers = new Map(); // by deflate query parameter; '' for none
  const serverFor = (url) => {
    const key = url.searchParams.get('deflate');
    let wss = servers.get(key === null ? '' : 'deflate=' + key);
    if (wss) return wss;
    const deflate = deflateOptions(url, true);
    wss = new WebSocketServer({ noServer: true, ...opts, ...(deflate ? { perMessageDeflate: deflate } : {}) });
    wss.on('headers', (headers, req) => {
      req.negotiated = headers
        .filter((h) => h.toLowerCase().startsWith('sec-websocket-extensions:'))
        .map((h) => h.slice(h.indexOf(':') + 1).trim())
        .join(', ');
    });
    servers.set(key === null ? '' : 'deflate=' + key, wss);
    return wss;
  };
  const server = http.createServer((req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain' });
    res.end('WebSocket only\n');
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url, 'ws://x');
    let wss;
    try {
      wss = serverFor(url);
    } catch (err) {
      report({ event: 'error', path: url.pathname, error: String(err) });
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => echo(ws, url.pathname, null, () => req.negotiated || ''));
  });
  server.on('error', (err) => {
    report({ event: 'error', path: '', error: String(err) });
    process.exit(1);
  });
  server.listen(0, '127.0.0.1', () => report({ event: 'listening', port: server.address().port }));
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  setTimeout(() => process.exit(3), args.lifetime * 1000).unref();

  const opts = { maxPayload: MAX_PAYLOAD };
  // ws's client offers permessage-deflate by default, its server does not
  // accept it by default; 'off' turns it off on both.
  if (args.compression === 'off') opts.perMessageDeflate = false;

  if (args.mode === 'server') {
    process.stdin.on('end', () => process.exit(0));
    process.stdin.resume();
    serve(opts);
  } else {
    connectEach(args.urls, opts);
  }
}

main();
