// Bounded load from a second process: `node load.mjs PORT SECONDS CONNECTIONS`; prints requests/s.
import { Agent, get } from 'node:http';

const [port, seconds, connections] = process.argv.slice(2).map(Number);
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const end = performance.now() + seconds * 1000;
let done = 0;
const once = () => new Promise((resolve, reject) => get({ host: '127.0.0.1', port, agent }, (res) => res.resume().on('end', resolve)).on('error', reject));
await Promise.all(Array.from({ length: connections }, async () => {
  while (performance.now() < end) {
    await once();
    done++;
  }
}));
console.log(done / seconds);
agent.destroy();
