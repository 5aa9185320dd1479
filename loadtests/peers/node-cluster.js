// The Node peer for loadtests/bench.sh: a `cluster` hello-world answering GET / with the
// SampleApp's JSON shape ({"worker":N,"pid":P,"connection":"..."}), and GET /work?us=N as the
// SampleApp does (the mixed-cost rows): N microseconds of CPU time (0 to 100000), then the same answer.
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
  const MAX_WORK_US = 100000;
  // CPU time, not wall time, as the SampleApp's /work: a fixed amount of work however busy the
  // machine is. The process's clock: the event loop's thread is the one spinning (Node 20 has no
  // per-thread clock).
  const spendCpu = (us) => {
    const start = process.cpuUsage();
    let x = 1;
    for (;;) {
      for (let i = 0; i < 256; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; }
      const used = process.cpuUsage(start);
      if (used.user + used.system >= us) return x;
    }
  };
  let connections = 0;
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/work')) {
      const us = new URL(req.url, 'http://localhost').searchParams.get('us');
      if (us === null || !/^\d+$/.test(us) || Number(us) > MAX_WORK_US) {
        const message = `us must be a whole number from 0 to ${MAX_WORK_US} (${us === null ? 'it is missing' : `got '${us}'`})\n`;
        res.writeHead(400, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(message) });
        res.end(message);
        return;
      }
      spendCpu(Number(us));
    }
    const body = JSON.stringify({ worker: id, pid: process.pid, connection: req.socket.connectionId });
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.on('connection', (socket) => { socket.connectionId = `${process.pid}-${++connections}`; });
  server.listen(port, '127.0.0.1');
  // Exit with the primary, however it died.
  process.on('disconnect', () => process.exit(0));
}
