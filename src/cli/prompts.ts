/** Interactive prompts, loaded only on a terminal. Ctrl-C becomes exit 130, "no" too. */
import { AbortedError } from '../errors.js';
import type { Io } from './io.js';

function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

export async function askConfirmation(question: string, io: Io): Promise<void> {
  const { confirm } = await import('@inquirer/prompts');
  let yes: boolean;
  try {
    yes = await confirm({ message: question, default: false }, { output: io.stderr as NodeJS.WriteStream });
  } catch (error) {
    if (isPromptExit(error)) throw new AbortedError('aborted at the confirmation prompt');
    throw error;
  }
  if (!yes) throw new AbortedError('not confirmed; nothing was changed');
}

export async function askText(message: string, defaultValue: string, io: Io, validate?: (value: string) => string | true): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  try {
    return await input({ message, default: defaultValue, ...(validate ? { validate } : {}) }, { output: io.stderr as NodeJS.WriteStream });
  } catch (error) {
    if (isPromptExit(error)) throw new AbortedError('aborted');
    throw error;
  }
}

/** A yes/no answer as data (a manual check's "no" is a failed check, not an abort). Ctrl-C → 130. */
export async function askYesNo(question: string, io: Io): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm({ message: question, default: false }, { output: io.stderr as NodeJS.WriteStream });
  } catch (error) {
    if (isPromptExit(error)) throw new AbortedError('aborted at the prompt');
    throw error;
  }
}
