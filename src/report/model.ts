/** What the HTML report shows, as plain data: the command reads it, pure modules render it. */

export type TimelineKind = 'phase1' | 'flip' | 'forced' | 'rollback' | 'cleanup' | 'restore' | 'runbook' | 'breach' | 'other';

export interface TimelineEvent {
  /** Server time, ms. */
  time: number;
  kind: TimelineKind;
  title: string;
  actor: string;
  detail: string;
}

export interface PhaseBand {
  phase: 'phase 1' | 'phase 2' | 'phase 3';
  start: number;
  /** null: still going at the end of the report. */
  end: number | null;
}

export interface SamplePoint {
  /** Server time, ms. */
  at: number;
  connections: number | null;
  /** 0..1, null when too few jobs finished to judge. */
  failureRate: number | null;
}

export interface ConnectionRow {
  step: string;
  label: string;
  /** What the plan's topology predicts once the step has settled. */
  predicted: number | null;
  /** While both systems run for the tier being flipped. */
  predictedPeak: number | null;
  /** Connections measured for this step (the baseline taken when the next step started, or now). */
  measured: number | null;
  measuredAt: number | null;
  /** Where the measurement comes from: `baseline <step>` or `now`. */
  source: string | null;
}

export interface CheckRow {
  id: string;
  status: 'pass' | 'warn' | 'fail' | 'skip';
  message: string;
}

export interface ReportData {
  title: string;
  generatedAt: number;
  namespace: string;
  /** Redis as a person may see it (password removed). */
  redis: string;
  flags: { useBullmq: boolean; useHttpRedis: boolean; bullmqTiers: string[]; names: { useBullmq: string; useHttpRedis: string; bullmqTiers: string } };
  tiers: { name: string; queues: number; state: string; since: number | null; soakComplete: boolean; soak: string }[];
  timeline: TimelineEvent[];
  phases: PhaseBand[];
  samples: SamplePoint[];
  /** How many samples the stream held before the chart thinned them. */
  samplesRead: number;
  thresholds: { maxConnections: number | null; maxFailureRate: number | null };
  connections: ConnectionRow[];
  target: { connections: number | null };
  /** Check runs to show, newest source first (e.g. the checks run for this report, the last phase3 verify). */
  checks: { at: number; source: string; rows: CheckRow[] }[];
  notes: string[];
}
