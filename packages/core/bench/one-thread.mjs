// The unsandboxed baseline of the pool bench: a worker_threads worker answering `() => 1`.
import { parentPort } from 'node:worker_threads';

const one = () => 1;
parentPort.on('message', () => parentPort.postMessage(one()));
