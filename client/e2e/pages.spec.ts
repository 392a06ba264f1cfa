import { expect, test } from '@playwright/test';
import { cancelTask, createFailedTask, createTask, saveScreenshot } from './helpers';

test.describe('every page renders live data', () => {
  test.beforeAll(async ({ browser }) => {
    const page = await browser.newPage();
    await createFailedTask(page);
    await page.close();
  });

  test('overview, with a backed-up queue that no worker serves', async ({ page }) => {
    // A task due now on a queue without workers: the queue table must warn about it.
    const idle = await createTask(page, { task_name: 'slow_task', kwargs: { duration: 1 }, queue_name: 'e2e-idle' });
    try {
      await page.goto('/');
      await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
      await expect(page.locator('.count-card.failed .count-value')).not.toHaveText('0');
      const idleRow = page.locator('table.queue-table tbody tr', { hasText: 'e2e-idle' });
      await expect(idleRow).toContainText('No live worker serves this queue');
      await expect(page.getByRole('region', { name: 'Tasks by status' }).locator('.freshness')).toContainText('updated');
      await expect(page.locator('.chart svg')).toBeVisible();
      await saveScreenshot(page, 'overview');
    } finally {
      await cancelTask(page, idle.id);
    }
  });

  test('workers', async ({ page }) => {
    await page.goto('/workers');
    await expect(page.locator('table.workers-table tbody tr').first()).toBeVisible();
    await saveScreenshot(page, 'workers');
  });

  test('failures', async ({ page }) => {
    await page.goto('/failures');
    await expect(page.locator('.failure-group').first()).toBeVisible();
    const link = page.getByRole('link', { name: 'failing_task' }).first();
    await expect(link).toHaveAttribute('href', /task_name=failing_task&status=failed/);
    await saveScreenshot(page, 'failures');
  });

  test('tasks', async ({ page }) => {
    await page.goto('/tasks');
    await expect(page.locator('table.tasks-table tbody tr').first()).toBeVisible();
  });

  test('create', async ({ page }) => {
    await page.goto('/create');
    await expect(page.getByLabel('Task function')).toBeVisible();
  });

  test('an unknown route is handled by the app', async ({ page }) => {
    await page.goto('/no-such-page');
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  });
});
