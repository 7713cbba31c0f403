// Module resolve hook for tests: reports every import of a queue library on stderr.
export async function resolve(specifier, context, next) {
  if (/^(bull|bullmq)(\/|$)/.test(specifier)) process.stderr.write(`queue-lib-loaded ${specifier}\n`);
  return next(specifier, context);
}
