/**
 * What `serve-http --log-requests` may print of a request path. Pure. Path-style commands carry
 * their arguments in the path (`/set/sms:+15551234/1`): keys and values can be personal data or
 * secrets, so only the route and the command name are kept. Unauthenticated paths are anyone's
 * text: anything that is not a plain command name is not echoed either.
 */

const ROUTES = new Set(['/', '/pipeline', '/multi-exec']);
const COMMAND_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;

/** `/set/k/v` → `/set/...`; `/subscribe/channel` → `/subscribe/...`; `/pipeline` stays. */
export function loggedPath(path: string): string {
  if (ROUTES.has(path)) return path;
  const [, first = '', ...rest] = path.split('/');
  const name = COMMAND_NAME.test(first) ? first : '?';
  return rest.length ? `/${name}/...` : `/${name}`;
}
