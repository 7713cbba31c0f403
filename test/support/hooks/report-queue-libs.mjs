// Module resolve hook for tests: reports every import of a queue library (and prom-client) on stderr.
export async function resolve(specifier, context, next) {
  if (/^(bull|bullmq|prom-client)(\/|$)/.test(specifier)) process.stderr.write(`queue-lib-loaded ${specifier}\n`);
  return next(specifier, context);
}
