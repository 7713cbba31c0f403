#!/usr/bin/env node
// Measures `scan` against a real Bull → BullMQ migration: scans the app as it was before the
// migration commit and compares the findings with the lines that commit changed (JS/TS files,
// whitespace-only changes ignored). Needs a clone of the app; nothing of it is kept.
//   node bench/scan-real-apps.mjs <git-dir> <migration-commit> [--only bull,nestjs] [--list]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { scanCode } from '../dist/src/scan/scan.js';

const [gitDir, commit, ...rest] = process.argv.slice(2);
if (!gitDir || !commit) {
  console.error('usage: node bench/scan-real-apps.mjs <git-dir> <migration-commit> [--only bull,nestjs] [--list]');
  process.exit(2);
}
const only = rest.includes('--only') ? rest[rest.indexOf('--only') + 1].split(',') : ['bull', 'nestjs'];
const list = rest.includes('--list');
const SOURCE = /\.(js|jsx|mjs|cjs|ts|tsx|mts|cts)$/;
const git = (...args) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });

// 1. The app before the migration: its source files (and .gitignore files) in a temporary directory.
const parent = `${commit}~1`;
const dir = mkdtempSync(join(tmpdir(), 'scan-app-'));
const tree = git('ls-tree', '-r', '--name-only', parent)
  .split('\n')
  .filter((file) => SOURCE.test(file) || /(^|\/)(\.gitignore|tsconfig\.json)$/.test(file));
for (const file of tree) {
  mkdirSync(join(dir, dirname(file)), { recursive: true });
  try {
    writeFileSync(join(dir, file), execFileSync('git', ['--git-dir', gitDir, 'show', `${parent}:${file}`], { maxBuffer: 1 << 28 }));
  } catch {
    // a blob missing from a partial clone: the file is skipped
  }
}

// 2. The lines the migration changed, on the old side: hunks of `git diff -w -U0`.
const hunks = [];
let current = null;
for (const line of git('diff', '-w', '-U0', '--no-color', parent, commit, '--', '.').split('\n')) {
  if (line.startsWith('--- ')) current = line.startsWith('--- a/') ? line.slice(6) : null;
  const match = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/.exec(line);
  if (match && current && SOURCE.test(current)) {
    const start = Number(match[1]);
    const count = match[2] === undefined ? 1 : Number(match[2]);
    // A pure addition sits after line `start`: it counts as a change at start..start+1.
    hunks.push({ file: current, start: count === 0 ? start : start, end: count === 0 ? start + 1 : start + count - 1, added: count === 0 });
  }
}

// 3. The scan, and the comparison.
const started = performance.now();
const result = await scanCode({ paths: [dir], cwd: dir, only });
const ms = Math.round(performance.now() - started);
// Hunks that only touch comments or blank lines (doc comments reworded) are not code changes.
const oldLines = new Map();
const linesOf = (file) => {
  if (!oldLines.has(file))
    oldLines.set(
      file,
      (() => {
        try {
          return readFileSync(join(dir, file), 'utf8').split('\n');
        } catch {
          return [];
        }
      })(),
    );
  return oldLines.get(file);
};
const COMMENT = /^\s*(\/\/|\/\*|\*|$)/;
for (const hunk of hunks) linesOf(hunk.file);
for (const hunk of hunks)
  hunk.comment =
    !hunk.added &&
    linesOf(hunk.file)
      .slice(hunk.start - 1, hunk.end)
      .every((line) => COMMENT.test(line));
rmSync(dir, { recursive: true, force: true });
const touches = (finding, hunk, strict) =>
  finding.file === hunk.file && (strict ? finding.line >= hunk.start && finding.line <= hunk.end : finding.line <= hunk.end && finding.endLine >= hunk.start);
const code = hunks.filter((hunk) => !hunk.comment);
const measure = (strict) => {
  const hit = code.filter((hunk) => result.findings.some((finding) => touches(finding, hunk, strict)));
  const right = result.findings.filter((finding) => hunks.some((hunk) => touches(finding, hunk, strict)));
  return { recall: hit.length / (code.length || 1), precision: right.length / (result.findings.length || 1), hit: hit.length, right: right.length };
};
const strict = measure(true);
const loose = measure(false);
const pct = (n) => `${(n * 100).toFixed(0)} %`;
console.log(
  `${gitDir} ${commit}: ${result.files} files scanned in ${ms} ms (${result.unparsed.length} unparsed), ${result.findings.length} findings (${only.join(', ')}), ${code.length} changed code hunks (+${hunks.length - code.length} comment-only) in ${new Set(hunks.map((h) => h.file)).size} files`,
);
console.log(
  `  code hunks pointed at: ${strict.hit}/${code.length} (${pct(strict.recall)}) by a finding's first line, ${loose.hit}/${code.length} (${pct(loose.recall)}) by its range`,
);
console.log(
  `  findings on changed lines: ${strict.right}/${result.findings.length} (${pct(strict.precision)}) by first line, ${loose.right}/${result.findings.length} (${pct(loose.precision)}) by range`,
);
if (list) {
  for (const hunk of code) {
    if (result.findings.some((finding) => touches(finding, hunk, false))) continue;
    const text = hunk.added
      ? '(lines added after this one)'
      : linesOf(hunk.file)
          .slice(hunk.start - 1, hunk.end)
          .map((line) => line.trim())
          .join(' ⏎ ')
          .slice(0, 140);
    console.log(`  missed ${hunk.file}:${hunk.start}-${hunk.end}  ${text}`);
  }
  for (const finding of result.findings)
    if (!hunks.some((hunk) => touches(finding, hunk, false))) console.log(`  not changed ${finding.file}:${finding.line} ${finding.rule} ${finding.api}`);
}
