// Steps several portal stories share, written once: sign up with a passkey (skipping the
// backup prompt), add a profile value, and save one's default terms.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

/** A new account from the sign-in page, past the backup prompt, on the overview. */
export async function signUp(page: Page, origin: string) {
  await page.goto(`${origin}/`);
  await page.getByRole('button', { name: 'Create a Trove account' }).click();
  await heading(page, 'Keep a way back in');
  await page.getByRole('button', { name: 'Skip', exact: true }).click();
  await heading(page, 'Overview');
}

/** Adds a value from the profile; an empty item waits behind its section's "Add more". */
export async function addValue(page: Page, label: string, fill: (p: Page) => Promise<void>, shown: string) {
  const add = page.getByRole('button', { name: `Add ${label}`, exact: true });
  const more = page.locator('details.add-more', { hasText: label }).locator('summary');
  await add.or(more).first().waitFor();
  if (!(await add.isVisible())) await more.click();
  await add.click();
  await fill(page);
  await page.getByRole('button', { name: `Save ${label}`, exact: true }).click();
  await expect.poll(() => page.locator('.attr-row', { hasText: label }).first().textContent()).toContain(shown);
}

/** Saves `label` (a roster title) as the default terms on My terms. */
export async function chooseTerms(page: Page, label: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My terms' }).click();
  await heading(page, 'My terms');
  await page.getByLabel(label, { exact: true }).check();
  await page.getByRole('button', { name: 'Save my terms' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Saved. Your default terms: ${label}.` })
    .waitFor();
}
