// The Node peer for loadtests/bench.sh: a `cluster` hello-world answering GET / with the
// SampleApp's JSON shape ({"worker":N,"pid":P,"connection":"..."}).
// Usage: node node-cluster.js WORKERS PORT   (PORT 0: the workers share one free port, printed)
// Node's default scheduling on Linux is round-robin: the primary accepts, workers serve.
'use strict';
const cluster = require('node:cluster');
const http = require('node:http');

const workers = Number(process.argv[2] || 2);
const port = Number(process.argv[3] || 0);

if (cluster.isPrimary) {
  let ready = 0;
  const pids = [];
  for (let i = 0; i < workers; i++) {
    cluster.fork({ NODE_APP_INSTANCE: String(i) });
  }
  cluster.on('listening', (worker, address) => {
    pids.push(worker.process.pid);
    if (++ready === workers) {
      console.log(`node-cluster ready: http://127.0.0.1:${address.port} (${workers} workers, pids ${pids.join(', ')})`);
    }
  });
  const stop = () => {
    for (const id in cluster.workers) cluster.workers[id].process.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  const id = Number(process.env.NODE_APP_INSTANCE);
  let connections = 0;
  const server = http.createServer((req, res) => {
    const body = JSON.stringify({ worker: id, pid: process.pid, connection: req.socket.connectionId });
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.on('connection', (socket) => { socket.connectionId = `${process.pid}-${++connections}`; });
  server.listen(port, '127.0.0.1');
  // Exit with the primary, however it died.
  process.on('disconnect', () => process.exit(0));
}
