#!/usr/bin/env node
// Peer for the benchmarks: a small Node `ws` server (Debian's node-ws) that speaks
// StockPush's subscribe / price_update protocol over a synthetic catalog of S
// strategies T0..T{S-1} with Q stocks each, every quote changing every tick. Like
// StockPush it serializes each topic's message once per tick and sends the same
// string to every subscriber of the topic (seq = the topic's tick count), with the same
// fields and number formats as StockPush's frames, so frames are the same size.
//
//   NODE_PATH=/usr/share/nodejs node bench/peers/node-ws-server.js --port 9200 --bench 10:20 --tick-ms 100
//   … --deflate on    permessage-deflate (ws compresses each send, per socket)
'use strict';
const { WebSocketServer } = require('ws');

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

const port = Number(option('--port', '9200'));
const host = option('--host', '127.0.0.1');
const [strategies, perStrategy] = option('--bench', '10:20').split(':').map(Number);
const tickMs = Number(option('--tick-ms', '100'));
const deflate = option('--deflate', 'off') === 'on' ? { threshold: 0 } : false;

const topics = new Map(); // "T3" -> Set of sockets
for (let s = 0; s < strategies; s++) topics.set(`T${s}`, new Set());

const server = new WebSocketServer({ host, port, path: '/ws/stock/prices', perMessageDeflate: deflate, clientTracking: true });
let nextClient = 1;

server.on('connection', (socket) => {
  const clientID = `c_${(nextClient++).toString(16).padStart(8, '0')}`;
  const mine = new Set();
  socket.send(JSON.stringify({ type: 'connected', client_id: clientID, message: 'connected', heartbeat_interval: 30, timestamp: new Date().toISOString() }));
  socket.on('message', (data, isBinary) => {
    if (isBinary) { socket.close(1003, 'binary'); return; }
    let message;
    try { message = JSON.parse(data.toString()); } catch (e) {
      socket.send(JSON.stringify({ type: 'error', code: 'invalid_json', message: 'not JSON' }));
      return;
    }
    if (message.type === 'subscribe' && message.subscription_type === 'strategy') {
      const targets = message.targets || [message.target];
      for (const target of targets) {
        const set = topics.get(target);
        if (!set) {
          socket.send(JSON.stringify({ type: 'error', code: 'unknown_target', message: 'unknown', target, id: message.id }));
          continue;
        }
        set.add(socket);
        mine.add(target);
        const base = Number(target.slice(1)) * perStrategy;
        const stocks = Array.from({ length: perStrategy }, (_, i) => `S${base + i}`);
        socket.send(JSON.stringify({ type: 'subscribed', subscription_type: 'strategy', target, stocks, id: message.id }));
      }
    } else if (message.type === 'ping') {
      socket.send(JSON.stringify({ type: 'pong', timestamp: new Date().toISOString(), id: message.id }));
    } else {
      socket.send(JSON.stringify({ type: 'error', code: 'unknown_type', message: 'unsupported here', id: message.id }));
    }
  });
  socket.on('close', () => { for (const target of mine) topics.get(target).delete(socket); });
  socket.on('error', () => {});
});

function isoMicros(date) {
  return date.toISOString().replace('Z', '000Z');
}

let tick = 0;
function publish() {
  tick += 1;
  const now = new Date();
  const timestamp = isoMicros(now);
  const price = tick % 2 === 0 ? '100.00' : '100.01';
  const change = tick % 2 === 0 ? '0.00' : '0.01';
  for (const [topic, sockets] of topics) {
    if (sockets.size === 0) continue;
    const base = Number(topic.slice(1)) * perStrategy;
    // Written out rather than JSON.stringify'd: StockPush's number formats (two decimals,
    // "turnover":N.0), so every peer's frame is the same size as StockPush's.
    const data = [];
    for (let i = 0; i < perStrategy; i++) {
      const code = `S${base + i}`;
      data.push(`{"code":"${code}","name":"Bench ${code}","market":"BENCH","price":${price},"prev_close":100.00,` +
        `"change":${change},"change_percent":${change},"volume":${tick * 100},"turnover":${tick * 10000}.0,` +
        `"quote_time":"${timestamp}"}`);
    }
    // Serialized once per topic per tick, sent to every subscriber.
    const text = `{"type":"price_update","seq":${tick},"snapshot":false,"count":${data.length},"timestamp":"${timestamp}","data":[${data.join(',')}]}`;
    for (const socket of sockets) socket.send(text);
  }
}

let next = Date.now() + tickMs;
function schedule() {
  const delay = Math.max(0, next - Date.now());
  setTimeout(() => { publish(); next += tickMs; if (next < Date.now() - 10 * tickMs) next = Date.now(); schedule(); }, delay);
}
server.on('listening', () => {
  process.stderr.write(`node ws peer on ${host}:${port}: ${strategies}x${perStrategy}, tick ${tickMs} ms\n`);
  schedule();
});
process.on('SIGTERM', () => { server.close(); process.exit(0); });
process.on('SIGINT', () => { server.close(); process.exit(0); });
