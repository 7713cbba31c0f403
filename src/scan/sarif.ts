/**
 * SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer): every rule of the catalogue with its
 * help, one result per finding with a location relative to the work tree's top (%SRCROOT%), and
 * files that could not be parsed as tool notifications. Pure.
 */
import { posix } from 'node:path';
import type { Finding } from './findings.js';
import { RULES, type Rule, type Severity } from './rules/index.js';
import type { UnparsedFile } from './scan.js';

export interface SarifInput {
  findings: readonly Finding[];
  unparsed: readonly UnparsedFile[];
  /** Scan root relative to the SARIF base (the git work tree's top), "" when they are the same. */
  rootFromTop: string;
  /** Absolute path of the base, for originalUriBaseIds. */
  top: string;
  version: string;
  /**
   * Where docs/scan.md is published (--docs-url), for the rules' help links (rule anchors are
   * appended). Without it the links are left out: each rule still carries its whole help inline.
   */
  docsUrl?: string | undefined;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', note: 'note' };

function helpMarkdown(rule: Rule): string {
  return [
    `**${rule.title}** (${rule.change})`,
    '',
    `- Before: \`${rule.from}\``,
    `- After: \`${rule.to}\``,
    ...(rule.adapter ? [`- With redis-migrate: \`${rule.adapter}\``] : []),
    '',
    rule.why,
  ].join('\n');
}

function ruleName(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function fileUri(top: string): string {
  const path = top.split('\\').join('/');
  return `file://${path.startsWith('/') ? '' : '/'}${encodeURI(path)}${path.endsWith('/') ? '' : '/'}`;
}

export function sarifLog(input: SarifInput): Record<string, unknown> {
  const index = new Map(RULES.map((rule, i) => [rule.id, i]));
  const uri = (file: string) => (input.rootFromTop ? posix.join(input.rootFromTop, file) : file);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'redis-migrate',
            version: input.version,
            ...(input.docsUrl ? { informationUri: input.docsUrl } : {}),
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: ruleName(rule.id),
              shortDescription: { text: rule.title },
              fullDescription: { text: `${rule.from} → ${rule.to}` },
              help: {
                text: `${rule.from} → ${rule.to}${rule.adapter ? ` (with redis-migrate: ${rule.adapter})` : ''}. ${rule.why}`,
                markdown: helpMarkdown(rule),
              },
              ...(input.docsUrl ? { helpUri: `${input.docsUrl}#${rule.id}` } : {}),
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: { tags: ['redis-migrate', rule.library, rule.change], precision: 'high' },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: fileUri(input.top) } },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: input.unparsed.map((file) => ({
              level: 'warning',
              message: { text: `not parsed: ${file.message}` },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: uri(file.file), uriBaseId: 'SRCROOT' },
                    region: { startLine: file.line, startColumn: file.column },
                  },
                },
              ],
            })),
          },
        ],
        results: input.findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: index.get(finding.rule) ?? 0,
          level: LEVEL[finding.severity],
          message: { text: `${finding.api} → ${finding.replacement}${finding.queue ? ` (queue ${finding.queue})` : ''}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uri(finding.file), uriBaseId: 'SRCROOT' },
                region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
}
