// Module resolve hook for tests: reports every import of a heavy library (the queue libraries,
// prom-client, the scanner's parser) on stderr.
export async function resolve(specifier, context, next) {
  if (/^(bull|bullmq|prom-client|@babel\/parser)(\/|$)/.test(specifier)) process.stderr.write(`queue-lib-loaded ${specifier}\n`);
  return next(specifier, context);
}
