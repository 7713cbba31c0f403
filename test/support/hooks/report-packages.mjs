// Module resolve hook for tests: reports every package a process imports (bare specifiers, not node: builtins) on stderr.
export async function resolve(specifier, context, next) {
  if (!/^(node:|\.|\/|file:|data:)/.test(specifier)) process.stderr.write(`package-loaded ${specifier}\n`);
  return next(specifier, context);
}
