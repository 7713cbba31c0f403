/** The process as the CLI sees it: its streams, environment, terminal and signals (tests pass their own). */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  /** Both stdin and stderr are terminals: prompts are possible. */
  interactive: boolean;
  cwd: string;
  /** Call `handler` on Ctrl-C (SIGINT) or SIGTERM; returns the unsubscribe. Absent: never interrupted. */
  onInterrupt?(handler: () => void): () => void;
}
