/** `runbook show`: markdown for a terminal, with each step boxed by kind so it stands out from prose. */
import type { RunbookShowReport } from '../../usecases/runbook-show.js';
import type { RunbookStep } from '../../runbook/parse.js';
import { chalk } from '../format.js';

const KIND_LABEL: Record<RunbookStep['kind'], string> = {
  shell: 'shell',
  'redis-migrate': 'redis-migrate',
  wait: 'wait (monitor)',
  manual: 'manual check',
  note: 'note',
};

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([a-z_][a-z0-9_-]*)\s*\}\}/gi, (match, name: string) =>
    values[name] !== undefined ? chalk.cyan(values[name]) : chalk.magenta(match),
  );
}

function inline(text: string, values: Record<string, string>): string {
  return fill(text, values)
    .replace(/`([^`]+)`/g, (_m, code: string) => chalk.cyan(code))
    .replace(/\*\*([^*]+)\*\*/g, (_m, bold: string) => chalk.bold(bold));
}

function stepBox(step: RunbookStep, number: number, values: Record<string, string>): string[] {
  const extra = Object.entries(step.attributes)
    .map(([key, value]) => `${key}=${fill(value, values)}`)
    .join(' ');
  const head = `${chalk.bold(`Step ${number}`)} ${chalk.dim(`[${step.id}]`)} ${chalk.yellow(KIND_LABEL[step.kind])}  ${fill(step.title, values)}${extra ? chalk.dim(`  ${extra}`) : ''}`;
  let body = step.body.split('\n').map((line) => fill(line, values));
  if (step.kind === 'redis-migrate') body = body.map((line) => `$ redis-migrate ${line.replace(/^redis-migrate\s+/, '')}`);
  if (step.kind === 'shell') body = body.map((line) => `$ ${line}`);
  if (step.kind === 'wait') body = [`$ redis-migrate monitor --duration ${fill(step.attributes.duration ?? '?', values)} ${body.join(' ')}`.trimEnd()];
  if (step.kind === 'manual') body = body.map((line) => `☐ ${line}`);
  return [`┌ ${head}`, ...body.map((line) => `│ ${line}`), '└'];
}

export function render(report: RunbookShowReport): string {
  const lines: string[] = [];
  let number = 0;
  for (const block of report.blocks) {
    if (block.type === 'heading') {
      lines.push('', block.level === 1 ? chalk.bold.underline(block.text) : chalk.bold(`${'#'.repeat(block.level - 1)} ${block.text}`.trim()));
    } else if (block.type === 'text') {
      lines.push(...block.text.split('\n').map((line) => inline(line.replace(/^(\s*)[-*] /, '$1• '), report.values)), '');
    } else if (block.type === 'code') {
      lines.push(...block.text.split('\n').map((line) => chalk.dim(`  ${line}`)));
    } else if (block.type === 'vars') {
      lines.push('', chalk.bold('Variables'));
      for (const variable of block.variables) {
        const value = report.values[variable.name];
        const shown =
          value !== undefined
            ? chalk.cyan(value)
            : variable.default === null
              ? chalk.red(`required: --var ${variable.name}=...`)
              : chalk.dim(`default ${variable.default}`);
        lines.push(`  ${variable.name} = ${shown}${variable.description ? chalk.dim(`  ${variable.description}`) : ''}`);
      }
    } else {
      number++;
      lines.push(...stepBox(block.step, number, report.values));
    }
  }
  lines.push('', chalk.dim(`${report.path} · run it: redis-migrate runbook run ${report.name}`));
  return lines.join('\n').replace(/^\n+/, '');
}
