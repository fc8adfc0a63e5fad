// Chromium via playwright-core for the portal's tests: pages with a virtual WebAuthn
// authenticator (DevTools protocol), CSP violations and console errors recorded, axe-core
// scans, and desktop/phone screenshots into test-results/screenshots (gitignored).
// Which Chromium: CHROMIUM_PATH, else a system one (CANDIDATES), else the one in the
// @sparticuz/chromium dev dependency (Linux x64 only), inflated once to the temp dir, so a
// machine with only Node needs nothing else installed.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../src/runtime/node/paths.ts';

export const SCREENSHOTS = join(projectRoot, 'test-results', 'screenshots');
/** Where screenshots of a change's new screens go, to compare with the earlier ones. */
export const SCREENSHOTS_AFTER = join(projectRoot, 'test-results', 'screenshots-after');
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };
/** The narrowest common phone width: nothing may overflow at it. */
export const PHONE_360 = { width: 360, height: 740 };
const SIZES = { desktop: DESKTOP, phone: PHONE, 'phone-360': PHONE_360 } as const;
export type ShotSize = keyof typeof SIZES;

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

const ARGS = ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--disable-extensions'];

/** @sparticuz/chromium's serverless flags we leave out: --single-process takes the whole
 * browser down when a context closes (and --no-zygote goes with it); the ones that turn off
 * web security would hide what the tests check (CSP, same-origin); its --disable-features and
 * --enable-features would replace Playwright's own lists; Playwright passes --headless. */
const SPARTICUZ_DROPPED =
  /^--(single-process|no-zygote|headless|disable-web-security|allow-running-insecure-content|disable-site-isolation-trials|disable-features|enable-features)(=|$)/;

type Found = { path: string; args: string[]; env?: Record<string, string> };

async function findChromium(): Promise<Found> {
  const local = [process.env.CHROMIUM_PATH, ...CANDIDATES].find((p): p is string => Boolean(p && existsSync(p)));
  if (local) return { path: local, args: ARGS };
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`No Chromium found: set CHROMIUM_PATH (the bundled @sparticuz/chromium is for Linux x64, this is ${process.platform} ${process.arch})`);
  }
  const { default: sparticuz } = await import('@sparticuz/chromium');
  sparticuz.setGraphicsMode = false; // its flags for no WebGL, matching --disable-gpu below
  const path = await sparticuz.executablePath();
  const args = [...new Set([...sparticuz.args.filter((a) => !SPARTICUZ_DROPPED.test(a)), ...ARGS])];
  // A machine without fontconfig of its own gets the fonts inflated next to the binary.
  const env = existsSync('/etc/fonts/fonts.conf') || process.env.FONTCONFIG_PATH ? undefined : { FONTCONFIG_PATH: join(dirname(path), 'fonts') };
  return { path, args, env };
}

let found: Promise<Found> | undefined;

/** The Chromium the tests use (see the header); the first call may inflate it. */
export async function chromiumPath(): Promise<string> {
  return (await (found ??= findChromium())).path;
}

export async function launch(): Promise<Browser> {
  const { path, args, env } = await (found ??= findChromium());
  return chromium.launch({ executablePath: path, headless: true, args, ...(env ? { env: { ...process.env, ...env } } : {}) });
}

export type Tab = { context: BrowserContext; page: Page; problems: string[] };

/** A fresh context (own cookies) and page with its own virtual passkey authenticator. */
export async function openTab(browser: Browser): Promise<Tab> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'Europe/Amsterdam', acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  // Runs before any page script and is not subject to the page's CSP.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|404)/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { context, page, problems };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type Violation = { id: string; impact: string | null; help: string; nodes: string[] };

/** axe-core's WCAG 2.x A/AA rules on the page as it is; only serious and critical count. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  return (await allViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Every axe-core finding (WCAG 2.x A/AA and best practice), minor and moderate ones too. */
export async function allViolations(page: Page): Promise<Violation[]> {
  // Evaluated through DevTools, so the page's CSP (no inline script) does not apply.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
  });
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Full-page screenshots, by default at desktop and phone width: <name>-desktop.png, <name>-phone.png
 * (in SCREENSHOTS, or in `dir`, e.g. SCREENSHOTS_AFTER).
 * With `viewport`, what the screen shows on arrival instead (<name>-phone-viewport.png): a
 * full-page shot draws sticky parts where the first screen ends, not where a person sees them. */
export async function screenshots(
  page: Page,
  name: string,
  sizes: ShotSize[] = ['desktop', 'phone'],
  opts: { viewport?: boolean; dir?: string } = {},
): Promise<string[]> {
  const dir = opts.dir ?? SCREENSHOTS;
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const label of sizes) {
    const size = SIZES[label];
    await page.setViewportSize(size);
    await page.evaluate(() => document.fonts.ready);
    if (opts.viewport) await page.evaluate(() => window.scrollTo(0, 0));
    const file = join(dir, `${name}-${label}${opts.viewport ? '-viewport' : ''}.png`);
    await page.screenshot({ path: file, fullPage: !opts.viewport, animations: 'disabled' });
    files.push(file);
  }
  await page.setViewportSize(DESKTOP);
  return files;
}
