import { describe, expect, it } from 'vitest';
import { connectionRows } from '../../src/report/connection-table.js';
import { renderReportHtml } from '../../src/report/html.js';
import type { ReportData } from '../../src/report/model.js';
import { escapeHtml, lineChart, thin } from '../../src/report/svg.js';
import { phaseBands, timelineFromAudit } from '../../src/report/timeline.js';
import type { AuditEntry } from '../../src/state/audit.js';

const T0 = 1_800_000_000_000;
const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  id: '1-0',
  time: T0,
  kind: 'flip',
  actor: 'ana',
  command: '',
  reason: '',
  version: 1,
  before: {},
  after: {},
  details: {},
  ...over,
});

describe('timeline from the audit', () => {
  const entries = [
    entry({ time: T0, after: { useHttpRedis: 'true' } }),
    entry({ time: T0 + 10, after: { 'tier:non-critical': 'bullmq', 'tier:non-critical:queues': 'a', useBullmq: 'true' } }),
    entry({ time: T0 + 20, kind: 'rollback', after: { useBullmq: 'false' }, reason: 'errors up' }),
    entry({ time: T0 + 30, kind: 'forced', after: { 'tier:medium': 'bullmq' } }),
    entry({ time: T0 + 35, kind: 'breach', command: 'monitor', reason: 'failure rate 5 % over 1 %' }),
    entry({ time: T0 + 40, kind: 'cleanup', details: { event: 'started', summary: 'started: 3 queue(s)' } }),
    entry({ time: T0 + 50, kind: 'cleanup', details: { event: 'finished', summary: 'finished: 12 legacy keys deleted' } }),
    entry({ time: T0 + 60, kind: 'runbook', details: { runbook: 'phase3', status: 'done', summary: 'x: done' } }),
    entry({ time: T0 + 70, kind: 'runbook', details: { runbook: 'phase3', status: 'completed', summary: 'runbook completed' } }),
    entry({ time: T0 + 80, kind: 'sink', details: { failures: ['x'] } }),
  ];

  it('names phases, flips, rollbacks, breaches and cleanups; skips runbook steps and sink noise', () => {
    expect(timelineFromAudit(entries).map((event) => [event.kind, event.title])).toEqual([
      ['phase1', 'phase 1: HTTP Redis on'],
      ['flip', 'tier non-critical → BullMQ'],
      ['rollback', 'every queue → legacy'],
      ['forced', 'tier medium → BullMQ (gate forced)'],
      ['breach', 'failure rate 5 % over 1 %'],
      ['cleanup', 'cleanup finished: 12 legacy keys deleted'],
      ['runbook', 'runbook phase3: runbook completed'],
    ]);
  });

  it('bands each phase from its first event to the next phase', () => {
    expect(phaseBands(entries)).toEqual([
      { phase: 'phase 1', start: T0, end: T0 + 10 },
      { phase: 'phase 2', start: T0 + 10, end: T0 + 40 },
      { phase: 'phase 3', start: T0 + 40, end: null },
    ]);
  });
});

describe('connection table', () => {
  const steps = [
    { id: 'legacy', label: 'today', steady: 44, peak: 44 },
    { id: 'phase1', label: 'after phase 1', steady: 35, peak: 35 },
    { id: 'phase2:a', label: 'after a', steady: 30, peak: 38 },
    { id: 'final', label: 'final', steady: 12, peak: 12 },
  ];
  it('measures each step by the baseline taken when the next one started, and the current step now', () => {
    const rows = connectionRows(
      steps,
      [
        { step: 'phase1', at: 1, connections: 42 },
        { step: 'phase2:a', at: 2, connections: 34 },
      ],
      { at: 9, connections: 31, step: 'phase2:a' },
    );
    expect(rows.map((row) => [row.step, row.predicted, row.measured, row.source])).toEqual([
      ['legacy', 44, 42, 'baseline phase1'],
      ['phase1', 35, 34, 'baseline phase2:a'],
      ['phase2:a', 30, 31, 'now'],
      ['final', 12, null, null],
    ]);
  });
});

describe('svg charts and the page', () => {
  it('draws one polyline per run of samples, breaking at gaps, with the point count exposed', () => {
    const svg = lineChart({
      id: 'c',
      title: 'C',
      range: [0, 10],
      format: String,
      points: [
        { t: 0, v: 1 },
        { t: 1, v: 2 },
        { t: 2, v: null },
        { t: 3, v: 4 },
        { t: 4, v: 5 },
        { t: 5, v: 6 },
      ],
    });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('data-points="5"');
    expect(svg).toContain('data-last="6"');
  });

  it('thins long series keeping the highest value of each bucket', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ t: i, v: i === 500 ? 99 : 1 }));
    const thinned = thin(points, 100);
    expect(thinned).toHaveLength(100);
    expect(Math.max(...thinned.map((point) => point.v ?? 0))).toBe(99);
  });

  it('escapes every text and forbids fetches', () => {
    expect(escapeHtml(`<script>"x" & 'y'</script>`)).toBe('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
    const data: ReportData = {
      title: 'Report <b>',
      generatedAt: T0,
      namespace: 'ns',
      redis: 'redis://h:6379',
      flags: {
        useBullmq: true,
        useHttpRedis: true,
        bullmqTiers: ['a'],
        names: { useBullmq: 'USE_BULLMQ', useHttpRedis: 'USE_HTTP_REDIS', bullmqTiers: 'BULLMQ_TIERS' },
      },
      tiers: [],
      timeline: [{ time: T0, kind: 'rollback', title: '<img src=x onerror=alert(1)>', actor: 'a', detail: '' }],
      phases: [],
      samples: [],
      samplesRead: 0,
      thresholds: { maxConnections: null, maxFailureRate: 0.01 },
      connections: [],
      target: { connections: null },
      checks: [],
      notes: [],
    };
    const html = renderReportHtml(data);
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(html).toContain(`default-src 'none'`);
  });
});
