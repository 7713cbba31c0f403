/**
 * JUnit XML for CI: one testcase per check, `<failure>` for a fail (and for a warn under --strict),
 * `<skipped/>` for a skip; warnings otherwise pass with the message in `<system-out>`. Pure.
 * No XML or JUnit library: six fixed elements and one escaper (the tests read the output with fast-xml-parser).
 */
import type { CheckResult } from './types.js';
import { redact } from '../redact.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters XML 1.0 cannot carry, matched to be dropped
const NOT_IN_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the five specials are escaped.
  return redact(text)
    .replace(NOT_IN_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function junitXml(results: readonly CheckResult[], options: { suite: string; strict: boolean }): string {
  const failing = (result: CheckResult) => result.status === 'fail' || (options.strict && result.status === 'warn');
  const failures = results.filter(failing).length;
  const skipped = results.filter((result) => result.status === 'skip').length;
  const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);
  const total = results.reduce((sum, result) => sum + (result.durationMs ?? 0), 0);
  const cases = results.map((result) => {
    const group = result.id.split('.')[0] ?? 'check';
    const open = `    <testcase classname="redis-migrate.${escapeXml(group)}" name="${escapeXml(result.id)}" time="${seconds(result.durationMs)}"`;
    if (failing(result)) {
      const body = result.fix ? `${result.message}\nfix: ${result.fix}` : result.message;
      return `${open}>\n      <failure message="${escapeXml(result.message)}" type="${result.status}">${escapeXml(body)}</failure>\n    </testcase>`;
    }
    if (result.status === 'skip') return `${open}>\n      <skipped message="${escapeXml(result.message)}"/>\n    </testcase>`;
    const out = result.status === 'warn' ? `warn: ${result.message}${result.fix ? `\nfix: ${result.fix}` : ''}` : result.message;
    return `${open}>\n      <system-out>${escapeXml(out)}</system-out>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="redis-migrate" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(total)}">`,
    `  <testsuite name="${escapeXml(options.suite)}" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(total)}" timestamp="${new Date().toISOString().replace(/\.\d+Z$/, '')}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
