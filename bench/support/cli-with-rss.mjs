// Runs the built CLI in this process exactly as bin/redis-migrate.js does, then reports this
// process's peak resident set size (getrusage maxrss, kB) on stderr: `PEAK_RSS_KB=<n>`.
import { main } from '../../dist/src/cli/main.js';

const code = await main(process.argv);
process.stderr.write(`\nPEAK_RSS_KB=${process.resourceUsage().maxRSS}\n`);
process.exitCode = code;
