/** Text for `serve-http`: the lines to export, printed by the command itself once the endpoint listens. */
import type { Report } from '../../usecases/report.js';

/** POSIX shell quoting, only when needed (generated tokens are base64url and need none). */
function shellValue(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Only the URL and token are shown (the command's report has more), so this renderer imports no command. */
export function render(report: Report & { url: string; token: string }): string {
  return `export UPSTASH_REDIS_REST_URL=${shellValue(report.url)}\nexport UPSTASH_REDIS_REST_TOKEN=${shellValue(report.token)}`;
}
