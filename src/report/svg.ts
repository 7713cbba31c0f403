/**
 * Small inline SVG charts for the report, drawn here rather than by a library so the file needs
 * nothing from the network. Pure: data in, markup out (every text escaped).
 */
import type { PhaseBand, TimelineEvent } from './model.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string);
}

export interface ChartPoint {
  t: number;
  v: number | null;
}

export interface LineChartOptions {
  id: string;
  title: string;
  points: ChartPoint[];
  /** Shared time axis of every chart, so they line up. */
  range: [number, number];
  format: (value: number) => string;
  threshold?: { value: number; label: string } | undefined;
  markers?: readonly TimelineEvent[];
  width?: number;
  height?: number;
}

const PAD = { left: 56, right: 16, top: 12, bottom: 28 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

export function timeLabel(ms: number): string {
  return new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
}

/** Consecutive non-null points as separate runs: a gap in the samples is a gap in the line. */
function runs(points: readonly ChartPoint[]): ChartPoint[][] {
  const out: ChartPoint[][] = [];
  let current: ChartPoint[] = [];
  for (const point of points) {
    if (point.v === null) {
      if (current.length) out.push(current);
      current = [];
    } else current.push(point);
  }
  if (current.length) out.push(current);
  return out;
}

export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 220;
  const [t0, t1] = options.range;
  const span = Math.max(1, t1 - t0);
  const values = options.points.map((point) => point.v).filter((v): v is number => v !== null);
  const top = niceMax(Math.max(...values, options.threshold?.value ?? 0, 0) * 1.1);
  const x = (t: number) => PAD.left + ((t - t0) / span) * (width - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / top) * (height - PAD.top - PAD.bottom);
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const value = (top * i) / 4;
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${width - PAD.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}"/>`);
    parts.push(`<text class="axis" x="${PAD.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(options.format(value))}</text>`);
  }
  parts.push(`<text class="axis" x="${PAD.left}" y="${height - 8}">${escapeHtml(timeLabel(t0))}</text>`);
  parts.push(`<text class="axis" x="${width - PAD.right}" y="${height - 8}" text-anchor="end">${escapeHtml(timeLabel(t1))}</text>`);
  for (const marker of options.markers ?? []) {
    if (marker.time < t0 || marker.time > t1) continue;
    parts.push(
      `<line class="marker marker-${marker.kind}" x1="${x(marker.time).toFixed(1)}" x2="${x(marker.time).toFixed(1)}" y1="${PAD.top}" y2="${height - PAD.bottom}"><title>${escapeHtml(`${timeLabel(marker.time)} ${marker.title}`)}</title></line>`,
    );
  }
  if (options.threshold) {
    const ty = y(options.threshold.value).toFixed(1);
    parts.push(`<line class="threshold" x1="${PAD.left}" x2="${width - PAD.right}" y1="${ty}" y2="${ty}"/>`);
    parts.push(
      `<text class="threshold-label" x="${width - PAD.right}" y="${(Number(ty) - 4).toFixed(1)}" text-anchor="end">${escapeHtml(options.threshold.label)}</text>`,
    );
  }
  for (const run of runs(options.points)) {
    const coords = run.map((point) => `${x(point.t).toFixed(1)},${y(point.v as number).toFixed(1)}`).join(' ');
    parts.push(
      run.length === 1
        ? `<circle class="series" data-series="${escapeHtml(options.id)}" cx="${coords.split(',')[0]}" cy="${coords.split(',')[1]}" r="2.5"/>`
        : `<polyline class="series" data-series="${escapeHtml(options.id)}" points="${coords}"/>`,
    );
  }
  if (values.length === 0) parts.push(`<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">no samples</text>`);
  const last = values.length ? options.format(values[values.length - 1] as number) : '';
  const max = values.length ? options.format(Math.max(...values)) : '';
  return (
    `<figure class="chart" id="chart-${escapeHtml(options.id)}" data-points="${values.length}" data-last="${escapeHtml(last)}" data-max="${escapeHtml(max)}">` +
    `<figcaption>${escapeHtml(options.title)}${values.length ? ` <span class="muted">last ${escapeHtml(last)}, max ${escapeHtml(max)}</span>` : ''}</figcaption>` +
    `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(options.title)}">${parts.join('')}</svg></figure>`
  );
}

/** Phases as bands and every event as a dot on one time axis. */
export function timelineChart(events: readonly TimelineEvent[], bands: readonly PhaseBand[], range: [number, number], width = 760): string {
  const height = 84;
  const [t0, t1] = range;
  const span = Math.max(1, t1 - t0);
  const x = (t: number) => PAD.left + ((Math.min(Math.max(t, t0), t1) - t0) / span) * (width - PAD.left - PAD.right);
  const parts: string[] = [];
  for (const band of bands) {
    const x0 = x(band.start);
    const x1 = x(band.end ?? t1);
    // A band too narrow for its name keeps the name as a tooltip only.
    const label = x1 - x0 >= 56 ? `<text class="band-label" x="${(x0 + 4).toFixed(1)}" y="24">${escapeHtml(band.phase)}</text>` : '';
    parts.push(
      `<rect class="band band-${band.phase.replace(' ', '')}" x="${x0.toFixed(1)}" y="8" width="${Math.max(1, x1 - x0).toFixed(1)}" height="22"><title>${escapeHtml(`${band.phase} from ${timeLabel(band.start)}`)}</title></rect>${label}`,
    );
  }
  parts.push(`<line class="grid" x1="${PAD.left}" x2="${width - PAD.right}" y1="48" y2="48"/>`);
  for (const event of events) {
    parts.push(
      `<circle class="event event-${event.kind}" data-kind="${event.kind}" cx="${x(event.time).toFixed(1)}" cy="48" r="5"><title>${escapeHtml(`${timeLabel(event.time)} ${event.title} (${event.actor})`)}</title></circle>`,
    );
  }
  parts.push(`<text class="axis" x="${PAD.left}" y="${height - 8}">${escapeHtml(timeLabel(t0))}</text>`);
  parts.push(`<text class="axis" x="${width - PAD.right}" y="${height - 8}" text-anchor="end">${escapeHtml(timeLabel(t1))}</text>`);
  return `<svg class="timeline" id="timeline" data-events="${events.length}" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="timeline">${parts.join('')}</svg>`;
}

/** At most `max` points: the highest value of each time bucket (a spike must not vanish). */
export function thin(points: readonly ChartPoint[], max: number): ChartPoint[] {
  if (points.length <= max) return [...points];
  const out: ChartPoint[] = [];
  const size = points.length / max;
  for (let i = 0; i < max; i++) {
    const bucket = points.slice(Math.floor(i * size), Math.floor((i + 1) * size));
    const values = bucket.map((point) => point.v).filter((v): v is number => v !== null);
    out.push({ t: (bucket[bucket.length - 1] as ChartPoint).t, v: values.length ? Math.max(...values) : null });
  }
  return out;
}
