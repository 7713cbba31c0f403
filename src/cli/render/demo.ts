/** Human text for `demo`: the measured table beside the plan's predictions, the claims, the jobs. */
import type { DemoReport } from '../../usecases/demo.js';
import type { ClaimVerdict } from '../../demo/claims.js';
import { chalk, heading, table } from '../format.js';

const VERDICT: Record<ClaimVerdict, (text: string) => string> = {
  holds: chalk.green,
  'does not hold': chalk.red,
  'holds only partly': chalk.yellow,
  'not measured': chalk.dim,
};

export function render(report: DemoReport): string {
  const lines = [heading(`redis-migrate demo on ${report.redis}`) + chalk.dim(`  (${(report.durationMs / 1000).toFixed(1)} s)`), ''];
  lines.push(heading('Connections after each step: measured, and what the plan predicts'));
  lines.push(
    table([
      [
        'TOPOLOGY',
        'COMMAND',
        'ON BULLMQ',
        'MEASURED',
        'PLAN',
        'LEGACY',
        'BULLMQ',
        'FLAGS',
        'CACHE',
        'OTHER',
        'PER PROCESS (plan)',
        'JOBS (produced/processed)',
      ],
      ...report.steps.map((step) => {
        const s = step.measured.bySystem;
        const plan = step.measured.app === step.predicted.total ? String(step.predicted.total) : chalk.yellow(String(step.predicted.total));
        const processes = Object.entries(step.processes);
        return [
          step.topology === 'single' ? 'one queue each' : 'merged + API',
          step.command === '-' ? 'baseline' : step.command,
          `${step.onBullmq}/11`,
          String(step.measured.app),
          plan,
          String(s.legacy),
          String(s.bullmq),
          String(s.flags),
          String(s.cache),
          String(s.unknown),
          processes.length > 1 ? processes.map(([name, p]) => `${name} ${p.measured.app} (${p.predicted ?? '-'})`).join(', ') : '-',
          `${step.jobs.produced}/${step.jobs.processed}`,
        ];
      }),
    ]),
  );
  for (const step of report.steps.filter((entry) => entry.note))
    lines.push(chalk.dim(`  ${step.topology === 'single' ? 'one queue each' : 'merged + API'}, ${step.command}: ${step.note}`));
  lines.push('', heading('Claims'));
  for (const claim of report.claims) {
    lines.push(
      `  ${VERDICT[claim.verdict](claim.verdict.padEnd(17))} ${claim.claim}: measured ${claim.measured ?? '-'} (claimed ${claim.range[0]}-${claim.range[1]})`,
    );
    lines.push(chalk.dim(`  ${' '.repeat(17)} ${claim.why}`));
  }
  const { main, merged, lost, duplicates } = report.jobs;
  lines.push('', heading('Jobs'));
  lines.push(
    `  produced ${main.produced + merged.produced}, processed ${main.processed + merged.processed}, ${lost ? chalk.red(`lost ${lost}`) : 'lost 0'}, ${duplicates ? chalk.red(`duplicates ${duplicates}`) : 'duplicates 0'}`,
  );
  for (const [world, summary] of [
    ['one queue each', main],
    ['merged + API', merged],
  ] as const) {
    for (const repeatable of summary.repeatables) {
      lines.push(
        `  ${world}: repeatable ${repeatable.queue} fired ${repeatable.ticks} ticks (bull ${repeatable.bySystem.bull}, bullmq ${repeatable.bySystem.bullmq}), twice ${repeatable.doubleFired.length}, missed ${repeatable.gaps.length}`,
      );
    }
  }
  lines.push('', heading('Notes'), ...report.notes.map((note) => `  - ${note}`));
  const c = report.cleanup;
  lines.push(
    '',
    `  cleanup: ${c.processesStopped} fleet process(es) stopped${c.serverStopped ? ', redis-server stopped' : `, ${c.keysRemoved} key(s) removed`}`,
  );
  lines.push(report.ok ? chalk.green('  no job lost, none run twice') : chalk.red('  the demo found a problem (see above)'));
  return lines.join('\n');
}
