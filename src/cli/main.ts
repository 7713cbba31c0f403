/** The entry point: builds the command table, runs it, maps every error to its exit code. */
import { CommanderError } from 'commander';
import { EXIT, UsageError } from '../errors.js';
import type { Io } from './io.js';
import { setColor } from './format.js';
import { writeError, type OutputMode } from './output.js';
import { buildProgram, type ProgramState } from './program.js';

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

function commanderToUsage(error: CommanderError, command: string | null): UsageError {
  const help = `see \`redis-migrate ${command ? `${command} ` : ''}--help\``;
  // Commander's own message for a group called without its subcommand is "(outputHelp)".
  if (error.code === 'commander.help') {
    return new UsageError('usage.missingCommand', `${command ? `\`${command}\`` : 'redis-migrate'} needs a command`, { fix: help });
  }
  const message = error.message.replace(/^error:\s*/i, '').split('\n')[0] ?? error.message;
  return new UsageError(`usage.${error.code.replace(/^commander\./, '')}`, message, { fix: help });
}

/** --json: one document; --ndjson (monitor): errors too end the stream as one JSON line; else text. */
function outputMode(argv: string[]): OutputMode {
  if (argv.includes('--json')) return 'json';
  return argv.includes('--ndjson') ? 'ndjson' : 'human';
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const mode = outputMode(argv);
  setColor(!argv.includes('--no-color') && !io.env.NO_COLOR && (io.stdout as NodeJS.WriteStream).isTTY === true);
  const state: ProgramState = { exitCode: EXIT.ok, command: null };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync(argv);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.ok; // --help, --version
      return writeError(io, mode, state.command, commanderToUsage(error, state.command));
    }
    return writeError(io, mode, state.command, error);
  }
}
