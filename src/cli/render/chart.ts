/** Tiny text charts for the monitor: a sparkline and a few-rows column chart. Pure. */

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** One character per value (the last `width`), scaled between min and max; gaps (null) as spaces. */
export function sparkline(values: readonly (number | null)[], width = 40): string {
  const shown = values.slice(-width);
  const numbers = shown.filter((value): value is number => value !== null);
  if (numbers.length === 0) return '';
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  return shown
    .map((value) => {
      if (value === null) return ' ';
      if (max === min) return BLOCKS[max === 0 ? 0 : 3];
      return BLOCKS[Math.round(((value - min) / (max - min)) * (BLOCKS.length - 1))];
    })
    .join('');
}

/**
 * A column chart `height` rows tall in plain ASCII ("#" filled), with the max on the top row's
 * label and the min on the bottom's, e.g. for connections over the monitor window.
 */
export function columnChart(values: readonly (number | null)[], options: { height?: number; width?: number; format?: (n: number) => string } = {}): string[] {
  const height = options.height ?? 4;
  const format = options.format ?? ((n: number) => String(n));
  const shown = values.slice(-(options.width ?? 40));
  const numbers = shown.filter((value): value is number => value !== null);
  if (numbers.length === 0) return [];
  const min = Math.min(0, ...numbers);
  const max = Math.max(...numbers);
  const span = max - min || 1;
  const labels = [format(max), format(min)];
  const pad = Math.max(...labels.map((label) => label.length));
  const rows: string[] = [];
  for (let row = height; row >= 1; row--) {
    const cells = shown
      .map((value) => (value !== null && ((value - min) / span) * height >= row - 0.5 ? '#' : row === 1 && value !== null ? '_' : ' '))
      .join('');
    const label = row === height ? labels[0] : row === 1 ? labels[1] : '';
    rows.push(`${(label ?? '').padStart(pad)} |${cells}`);
  }
  return rows;
}
