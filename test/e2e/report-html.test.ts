import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { chromium, type BrowserContext } from 'playwright-core';
import { runCli } from '../support/cli.js';
import { tempDir, writePlan } from '../support/plan-files.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { connectionBudget } from '../../src/plan/budget.js';
import { loadPlan } from '../../src/plan/load-plan.js';
import { stateKeys } from '../../src/state/keys.js';
import { appendSample } from '../../src/state/samples.js';

// The report is checked where people read it: in a real browser (Debian's chromium, headless).
const CHROMIUM = '/usr/bin/chromium';
// CI installs chromium and sets REQUIRE_BROWSER=1, so there a missing browser fails instead of skipping.
const SKIP_BROWSER = !existsSync(CHROMIUM) && process.env.REQUIRE_BROWSER !== '1';
const PASSWORD = 'pw-Zq7-never-print';
const TYPED_SECRET = 'hunter2-in-a-reason';
const NS = 'rep';

let server: RedisServer;
let admin: Redis;
let dir: string;
let config: string;
let browser: BrowserContext | undefined;
let profile: string;

function cli(args: string[]) {
  return runCli([...args, '--config', config, '--json'], { cwd: dir, env: { REDIS_URL: server.url }, timeoutMs: 60_000 });
}

beforeAll(async () => {
  server = await startRedis({ password: PASSWORD });
  admin = server.client();
  dir = tempDir('report');
  config = writePlan(
    {
      namespace: NS,
      tiers: [
        { name: 'one', queues: ['mail'], soak: '1s' },
        { name: 'two', queues: ['sync'], soak: '1h' },
      ],
      thresholds: { maxConnections: 60, maxFailureRate: 0.05 },
      target: { connections: 5 },
    },
    { dir },
  );
  if (existsSync(CHROMIUM)) {
    profile = mkdtempSync(join(tmpdir(), 'redis-migrate-chromium-'));
    // A fresh profile directory every run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }
});

afterAll(async () => {
  await browser?.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('report --html', () => {
  it.skipIf(SKIP_BROWSER)(
    'renders in headless Chromium: timeline, charts with every sample, numbers as in Redis, no secret, no fetch',
    async () => {
      // Some app connections, so the baselines measure something.
      const app = Array.from({ length: 4 }, () => new Redis(server.port, { password: PASSWORD }));
      await Promise.all(app.map((client) => client.ping()));
      expect((await cli(['phase1', '--yes', '--wait', '0', '--force', '--reason', 'no HTTP endpoint in this test'])).exitCode).toBe(0);
      await app.pop()?.quit();
      expect((await cli(['phase2', '--tier', 'one', '--yes', '--wait', '0'])).exitCode).toBe(0);
      expect((await cli(['rollback', '--yes', '--wait', '0', '--reason', `errors up, see redis://ops:${TYPED_SECRET}@10.0.0.9:6379`])).exitCode).toBe(0);
      expect((await cli(['phase2', '--tier', 'one', '--yes', '--wait', '0'])).exitCode).toBe(0);

      // Monitor samples with known values (the stream the monitor writes), one gap in the failure rate.
      const keys = stateKeys(NS);
      const start = Date.now() - 60_000;
      const connections = [41, 40, 38, 36, 35, 35, 34, 34, 33, 33];
      const failures = [0, 0.01, null, 0.02, 0.08, 0.01, 0, 0, null, 0];
      for (const [i, value] of connections.entries()) {
        await appendSample(
          admin,
          keys,
          { at: start + i * 5000, intervalMs: 5000, connections: { total: value + 1, app: value, byRole: {} }, failureRate: failures[i], breaches: [] },
          1000,
        );
      }
      await Promise.all(app.map((client) => client.quit()));

      const file = join(dir, 'report.html');
      const run = await cli(['report', '--html', file]);
      expect(run.exitCode).toBe(0);
      expect(run.json()).toMatchObject({ ok: true, result: { samples: connections.length, events: 4 } });
      const html = readFileSync(file, 'utf8');
      expect(html).not.toContain(PASSWORD);
      expect(html).not.toContain(TYPED_SECRET);
      expect(html).toContain('redis://***@10.0.0.9');

      const page = await (browser as BrowserContext).newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(pathToFileURL(file).href);
      expect(requests).toEqual([pathToFileURL(file).href]); // the file itself, nothing else
      expect(errors).toEqual([]);

      const chart = async (id: string) =>
        page.evaluate((chartId) => {
          const figure = document.querySelector(`#chart-${chartId}`) as HTMLElement;
          const lines = [...figure.querySelectorAll('polyline.series')] as SVGPolylineElement[];
          const dots = figure.querySelectorAll('circle.series').length;
          return {
            points: lines.reduce((n, line) => n + line.points.numberOfItems, 0) + dots,
            lines: lines.length,
            drawn: lines.every((line) => line.getBBox().width > 0),
            last: figure.dataset.last,
            max: figure.dataset.max,
            threshold: figure.querySelectorAll('line.threshold').length,
            markers: figure.querySelectorAll('line.marker').length,
          };
        }, id);
      const conn = await chart('connections');
      expect(conn).toMatchObject({ points: 10, lines: 1, drawn: true, last: '33', max: '41', threshold: 1 });
      const fail = await chart('failure-rate');
      // Two gaps split the line in three runs (the last, one sample long, is a dot); 8 samples had a rate.
      expect(fail).toMatchObject({ points: 8, lines: 2, drawn: true, last: '0 %', max: '8 %', threshold: 1 });

      const timeline = await page.evaluate(() => ({
        dots: document.querySelectorAll('#timeline circle.event').length,
        kinds: [...document.querySelectorAll('#events tr.event-row')].map((row) => (row as HTMLElement).dataset.kind),
        bands: [...document.querySelectorAll('#timeline rect.band')].length,
      }));
      expect(timeline).toEqual({ dots: 4, kinds: ['forced', 'flip', 'rollback', 'flip'], bands: 2 });

      // The connection table: predictions from the plan's budget, measurements from the baselines in Redis.
      const loaded = await loadPlan({ configPath: config, cwd: dir });
      const budget = connectionBudget(loaded.plan);
      const baselines = Object.fromEntries(
        Object.entries(await admin.hgetall(keys.baselines)).map(([step, json]) => [step, JSON.parse(json).connections as number]),
      );
      const table = await page.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll('#connections tbody tr')].map((row) => [
            (row as HTMLElement).dataset.step,
            { predicted: row.querySelector('.predicted')?.textContent, measured: row.querySelector('.measured')?.textContent },
          ]),
        ),
      );
      expect(Object.keys(table)).toEqual(budget.steps.map((step) => step.id));
      for (const step of budget.steps) expect(table[step.id]?.predicted?.split(' ')[0]).toBe(String(step.steady));
      expect(table.legacy?.measured).toBe(String(baselines.phase1));
      expect(table.phase1?.measured).toBe(String(baselines['phase2:one']));
      // Four app clients plus the test's own admin client, then one app client fewer.
      expect(baselines.phase1).toBe(5);
      expect(baselines['phase2:one']).toBe(4);

      const checks = await page.evaluate(() => [...document.querySelectorAll('table.checks tr[data-check]')].map((row) => (row as HTMLElement).dataset.check));
      expect(checks.length).toBeGreaterThan(3);
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
      await page.close();
    },
    120_000,
  );
});
