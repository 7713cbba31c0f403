// A process hosting N flags-SDK instances for the propagation benchmark; reports each applied
// version with a wall-clock timestamp (timeOrigin + now: comparable across processes, sub-ms).
import { connectFlags } from '../dist/src/flags/index.js';

const [url, namespace, count] = process.argv.slice(2);
const clients = [];
for (let i = 0; i < Number(count); i++) {
  const client = await connectFlags({ app: `child-${process.pid}`, redisUrl: url, namespace, env: {}, heartbeatMs: 5000 });
  client.on('change', ({ version }) => process.send({ version, at: performance.timeOrigin + performance.now() }));
  clients.push(client);
}
process.send({ ready: true });
process.on('message', async (message) => {
  if (message === 'stop') {
    await Promise.all(clients.map((client) => client.close()));
    process.exit(0);
  }
});
