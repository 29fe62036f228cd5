// How long a report.html takes to open in headless Chromium (Debian's /usr/bin/chromium, through
// playwright-core): from navigation to the load event and the first frame after it, offline and
// with any request other than the file itself refused. For the "renders in under 3 s" checks.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface PageLoad {
  bytes: number;
  /** Navigation start to the load event and one animation frame after it (wall clock, ms). */
  loadMs: number;
  /** Console errors and warnings, page errors, and any URL the page tried to fetch. */
  problems: string[];
}

/** Opens `file`, measures, then hands the page to `inspect` (for checks of what it shows) before closing. */
export async function openReport(file: string, inspect: (page: Page) => Promise<void> = async () => undefined): Promise<PageLoad> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'overlab-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1400, height: 1000 },
    offline: true,
  });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === `file://${file}`) return route.continue();
      problems.push(`fetched ${url}`);
      return route.abort();
    });
    const started = performance.now();
    await page.goto(`file://${file}`, { waitUntil: 'load', timeout: 120_000 });
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
    const loadMs = performance.now() - started;
    await inspect(page);
    return { bytes: statSync(file).size, loadMs, problems };
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
