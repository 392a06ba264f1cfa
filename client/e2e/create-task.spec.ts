import { expect, test } from '@playwright/test';
import { saveScreenshot, titleBadge } from './helpers';

test('a task created from the form runs to success with its result', async ({ page }) => {
  await page.goto('/create');
  await page.getByLabel('Task function').selectOption('add_numbers');
  // The signature as the API gives it, e.g. "(a: float, b: float) -> float".
  await expect(page.locator('.signature code')).toContainText(/^add_numbers\(a\b.*\bb\b/);
  await page.getByLabel('args (JSON array)').fill('[10, 20]');
  await page.getByLabel('kwargs (JSON object)').fill('{}');
  await saveScreenshot(page, 'create');

  await page.getByRole('button', { name: 'Create task' }).click();

  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  await expect(titleBadge(page)).toHaveText('success', { timeout: 45_000 });
  await expect(page.getByLabel('result (JSON)', { exact: true })).toHaveText('30');
  await expect(page.getByLabel('args (JSON)', { exact: true })).toContainText('10');
});

test('the form refuses args that are not a JSON array', async ({ page }) => {
  await page.goto('/create');
  await page.getByLabel('Task function').selectOption('add_numbers');
  await page.getByLabel('args (JSON array)').fill('{"a": 10}');
  await page.getByRole('button', { name: 'Create task' }).click();
  await expect(page.getByText('args must be a JSON array')).toBeVisible();
  await expect(page).toHaveURL(/\/create$/);
});
