/**
 * The report as one self-contained HTML file: inline CSS, inline SVG, no script, and a CSP that
 * forbids every fetch, so it opens offline, from an email or during an incident. Pure.
 */
import type { ConnectionRow, ReportData, TimelineEvent } from './model.js';
import { escapeHtml as e, lineChart, thin, timeLabel, timelineChart } from './svg.js';

const MAX_POINTS = 600;

const CSS = `
:root { color-scheme: light; --fg:#1d2430; --muted:#6b7480; --line:#d9dee5; --ok:#1f7a3d; --warn:#a86400; --bad:#b3261e; --accent:#2457c5; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; max-width: 880px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.muted { color: var(--muted); font-weight: normal; } table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; } th { color: var(--muted); font-weight: 600; font-size: 12px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.pill { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600; }
.pass, .on, .yes { background: #e3f3e8; color: var(--ok); } .warn { background: #fdf0dc; color: var(--warn); } .fail, .no { background: #fbe4e2; color: var(--bad); } .skip, .off { background: #eceff3; color: var(--muted); }
figure { margin: 10px 0 18px; } figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); } .grid { stroke: var(--line); stroke-width: 1; }
.series { fill: none; stroke: var(--accent); stroke-width: 2; } circle.series { fill: var(--accent); }
.threshold { stroke: var(--bad); stroke-dasharray: 5 4; } .threshold-label { fill: var(--bad); }
.marker { stroke-width: 1; stroke-dasharray: 2 3; } .marker-rollback, .marker-breach { stroke: var(--bad); } .marker-flip, .marker-phase1, .marker-forced { stroke: var(--ok); } .marker-cleanup, .marker-restore, .marker-runbook, .marker-other { stroke: var(--muted); }
.band { fill: #eef2fb; stroke: #cfd9f1; } .band-phase2 { fill: #eaf5ee; stroke: #cbe6d5; } .band-phase3 { fill: #f5f0ea; stroke: #e8dccd; } .band-label { fill: var(--fg); }
.event { stroke: #fff; stroke-width: 1.5; fill: var(--muted); } .event-flip, .event-phase1 { fill: var(--ok); } .event-forced { fill: var(--warn); } .event-rollback, .event-breach { fill: var(--bad); } .event-cleanup { fill: #8a5a2b; }
.delta-over { color: var(--bad); } .delta-under { color: var(--ok); }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
`;

function pill(text: string, cls: string): string {
  return `<span class="pill ${cls}">${e(text)}</span>`;
}

function time(ms: number | null): string {
  return ms === null
    ? '–'
    : e(
        new Date(ms)
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, 'Z'),
      );
}

function stateSection(data: ReportData): string {
  const { flags } = data;
  const rows = data.tiers
    .map(
      (tier) =>
        `<tr data-tier="${e(tier.name)}"><td>${e(tier.name)}</td><td class="num">${tier.queues}</td><td>${pill(tier.state, tier.state === 'bullmq' ? 'on' : 'off')}</td><td>${time(tier.since)}</td><td>${e(tier.soak)}</td><td>${tier.soakComplete ? pill('soaked', 'yes') : pill('not yet', 'off')}</td></tr>`,
    )
    .join('');
  return `<h2>Current state</h2>
<p>${e(flags.names.useHttpRedis)} ${pill(String(flags.useHttpRedis), flags.useHttpRedis ? 'on' : 'off')}
 · ${e(flags.names.useBullmq)} ${pill(String(flags.useBullmq), flags.useBullmq ? 'on' : 'off')}
 · ${e(flags.names.bullmqTiers)} <code>${e(flags.bullmqTiers.join(',') || '(none)')}</code></p>
<table id="tiers"><thead><tr><th>tier</th><th class="num">queues</th><th>state</th><th>since</th><th>soak</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

function timelineSection(data: ReportData, range: [number, number]): string {
  const rows = data.timeline
    .map(
      (event: TimelineEvent) =>
        `<tr class="event-row" data-kind="${event.kind}"><td>${time(event.time)}</td><td>${e(event.kind)}</td><td>${e(event.title)}</td><td>${e(event.actor)}</td><td class="muted">${e(event.detail)}</td></tr>`,
    )
    .join('');
  return `<h2>Timeline</h2>${timelineChart(data.timeline, data.phases, range)}
<table id="events"><thead><tr><th>time</th><th>kind</th><th>what</th><th>who</th><th>detail</th></tr></thead><tbody>${rows || '<tr><td colspan="5" class="muted">no flips or rollbacks recorded yet</td></tr>'}</tbody></table>`;
}

function chartsSection(data: ReportData, range: [number, number]): string {
  const markers = data.timeline.filter((event) => event.kind !== 'runbook');
  const connections = thin(
    data.samples.map((sample) => ({ t: sample.at, v: sample.connections })),
    MAX_POINTS,
  );
  const failures = thin(
    data.samples.map((sample) => ({ t: sample.at, v: sample.failureRate === null ? null : sample.failureRate * 100 })),
    MAX_POINTS,
  );
  const pct = (v: number) => `${Number(v.toFixed(2))} %`;
  const thinned = data.samplesRead > MAX_POINTS ? ` <span class="muted">(${data.samplesRead} samples, highest per bucket shown)</span>` : '';
  return `<h2>Monitor samples${thinned}</h2>
${lineChart({ id: 'connections', title: 'Connections', points: connections, range, format: (v) => String(Math.round(v)), markers, threshold: data.thresholds.maxConnections ? { value: data.thresholds.maxConnections, label: `max ${data.thresholds.maxConnections}` } : undefined })}
${lineChart({ id: 'failure-rate', title: 'Failure rate', points: failures, range, format: pct, markers, threshold: data.thresholds.maxFailureRate !== null ? { value: data.thresholds.maxFailureRate * 100, label: `max ${pct(data.thresholds.maxFailureRate * 100)}` } : undefined })}`;
}

function deltaCell(row: ConnectionRow): string {
  if (row.measured === null || row.predicted === null) return '<td class="num">–</td>';
  const delta = row.measured - row.predicted;
  return `<td class="num ${delta > 0 ? 'delta-over' : delta < 0 ? 'delta-under' : ''}">${delta > 0 ? '+' : ''}${delta}</td>`;
}

function connectionSection(data: ReportData): string {
  const rows = data.connections
    .map(
      (row) =>
        `<tr data-step="${e(row.step)}"><td>${e(row.step)}</td><td>${e(row.label)}</td><td class="num predicted">${row.predicted ?? '–'}${row.predictedPeak !== null && row.predictedPeak !== row.predicted ? ` <span class="muted">(peak ${row.predictedPeak})</span>` : ''}</td>` +
        `<td class="num measured">${row.measured ?? '–'}</td>${deltaCell(row)}<td class="muted">${row.source ? `${e(row.source)}, ${time(row.measuredAt)}` : 'not measured yet'}</td></tr>`,
    )
    .join('');
  const target = data.target.connections === null ? '' : `<p>Target: <strong>${data.target.connections}</strong> connections.</p>`;
  return `<h2>Connections per step: measured beside the plan's prediction</h2>${target}
<table id="connections"><thead><tr><th>step</th><th></th><th class="num">predicted</th><th class="num">measured</th><th class="num">Δ</th><th>measured when</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function checksSection(data: ReportData): string {
  if (data.checks.length === 0) return '<h2>Latest checks</h2><p class="muted">No checks were run for this report.</p>';
  return data.checks
    .map((run, index) => {
      const rows = run.rows
        .map(
          (row) =>
            `<tr data-check="${e(row.id)}" data-status="${row.status}"><td><code>${e(row.id)}</code></td><td>${pill(row.status, row.status)}</td><td>${e(row.message)}</td></tr>`,
        )
        .join('');
      return `<h2>${index === 0 ? 'Latest checks: ' : ''}${e(run.source)} <span class="muted">${time(run.at)}</span></h2>
<table class="checks" data-source="${e(run.source)}"><thead><tr><th>check</th><th>status</th><th>result</th></tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join('\n');
}

export function renderReportHtml(data: ReportData): string {
  const times = [...data.timeline.map((event) => event.time), ...data.samples.map((sample) => sample.at), ...data.phases.map((band) => band.start)];
  const range: [number, number] = times.length ? [Math.min(...times), Math.max(...times, data.generatedAt)] : [data.generatedAt - 3_600_000, data.generatedAt];
  const notes = data.notes.length ? `<h2>Notes</h2><ul>${data.notes.map((note) => `<li>${e(note)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(data.title)}</title><style>${CSS}</style></head>
<body>
<h1>${e(data.title)}</h1>
<p class="muted">Generated ${time(data.generatedAt)} · namespace <code>${e(data.namespace)}</code> · ${e(data.redis)} · timeline ${e(timeLabel(range[0]))} → ${e(timeLabel(range[1]))}</p>
${stateSection(data)}
${timelineSection(data, range)}
${chartsSection(data, range)}
${connectionSection(data)}
${checksSection(data)}
${notes}
<footer>redis-migrate report · self-contained: no scripts, no network.</footer>
</body></html>
`;
}
