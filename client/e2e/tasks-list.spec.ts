import { expect, test } from '@playwright/test';
import { createFailedTask, saveScreenshot } from './helpers';

test('the tasks list is filtered by the status in the URL', async ({ page }) => {
  const failed = await createFailedTask(page);

  await page.goto('/tasks?status=failed');

  await expect(page.getByLabel('Status', { exact: true })).toHaveValue('failed');
  const rows = page.locator('table.tasks-table tbody tr');
  await expect(rows.first()).toBeVisible();
  await expect(page.locator(`tr[data-task-id="${failed.id}"]`)).toBeVisible();
  const statuses = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')));
  expect(new Set(statuses)).toEqual(new Set(['failed']));
  await saveScreenshot(page, 'tasks');

  await page.getByLabel('Status', { exact: true }).selectOption('success');
  await expect(page).toHaveURL(/status=success/);
  await expect(page.locator(`tr[data-task-id="${failed.id}"]`)).toHaveCount(0);
});
