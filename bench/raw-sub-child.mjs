// Baseline for the propagation benchmark: N plain ioredis subscribers in one process, no SDK.
import { Redis } from 'ioredis';

const [url, channel, count] = process.argv.slice(2);
const subscribers = [];
for (let i = 0; i < Number(count); i++) {
  const subscriber = new Redis(url, { protocol: 2 });
  await subscriber.subscribe(channel);
  subscriber.on('message', (_channel, message) => process.send({ version: Number(message), at: performance.timeOrigin + performance.now() }));
  subscribers.push(subscriber);
}
process.send({ ready: true });
process.on('message', (message) => {
  if (message === 'stop') {
    for (const subscriber of subscribers) subscriber.disconnect();
    process.exit(0);
  }
});
