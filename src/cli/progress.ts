/** A one-line progress bar on stderr, drawn only when stderr is a terminal (never in CI logs or under pipes). */

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

const WIDTH = 30;

export function progressBar(stream: NodeJS.WritableStream, label: string): Progress {
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 80 && done < total) return;
      last = now;
      const filled = total ? Math.round((done / total) * WIDTH) : WIDTH;
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total}`);
      drawn = true;
    },
    finish() {
      if (tty && drawn) stream.write('\r\u001b[2K');
    },
  };
}
