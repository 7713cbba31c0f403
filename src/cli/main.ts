/** The entry point: builds the command table, runs it, maps every error to its exit code. */
import { CommanderError } from 'commander';
import { EXIT, UsageError, type ExitCode } from '../errors.js';
import type { Io } from './io.js';
import { setColor } from './format.js';
import { writeError } from './output.js';
import { buildProgram } from './program.js';

export function defaultIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    cwd: process.cwd(),
    onInterrupt(handler) {
      let signals = 0;
      const listener = () => {
        // The first signal asks the command to stop at a safe point; a second one ends it now.
        if (++signals > 1) process.exit(EXIT.aborted);
        handler();
      };
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
  };
}

function commanderToUsage(error: CommanderError, argv: string[]): UsageError {
  const message = error.message.replace(/^error:\s*/i, '').split('\n')[0] ?? error.message;
  const sub = argv.slice(2).find((arg) => !arg.startsWith('-'));
  return new UsageError(`usage.${error.code.replace(/^commander\./, '')}`, message, {
    fix: `see \`redis-migrate ${error.code === 'commander.unknownCommand' || !sub ? '' : `${sub} `}--help\``.replace('  ', ' '),
  });
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const json = argv.includes('--json');
  setColor(!argv.includes('--no-color') && !io.env.NO_COLOR && (io.stdout as NodeJS.WriteStream).isTTY === true);
  const state: { exitCode: ExitCode } = { exitCode: EXIT.ok };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync(argv);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.ok; // --help, --version
      return writeError(io, json, commanderToUsage(error, argv));
    }
    return writeError(io, json, error);
  }
}
