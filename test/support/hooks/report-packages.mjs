// Module resolve hook for tests: reports every package imported through ESM (bare specifiers) on stderr.
export async function resolve(specifier, context, next) {
  if (!/^(\.|\/|node:|file:|data:)/.test(specifier)) process.stderr.write(`package-loaded ${specifier}\n`);
  return next(specifier, context);
}
