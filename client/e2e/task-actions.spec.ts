import { expect, test } from '@playwright/test';
import { createFailedTask, createTask, fetchTask, saveScreenshot, titleBadge } from './helpers';

test('a failed task is retried from its detail page', async ({ page }) => {
  const task = await createFailedTask(page);
  await page.goto(`/tasks/${task.id}`);
  await expect(titleBadge(page)).toHaveText('failed');

  await page.getByRole('button', { name: 'Retry' }).click();

  // The API answers the retry with the task back in pending; a worker then runs it again
  // (failing_task fails again at once, so the second attempt is the durable evidence).
  await expect(page.getByRole('status').filter({ hasText: 'Re-queued' })).toContainText(/pending|processing/);
  await expect
    .poll(async () => {
      const current = await fetchTask(page, task.id);
      return ['pending', 'processing'].includes(current.status) || (current.attempts?.length ?? 0) >= 2;
    })
    .toBe(true);
});

test('a waiting task is cancelled from its detail page', async ({ page }) => {
  const task = await createTask(page, {
    task_name: 'slow_task',
    kwargs: { duration: 1 },
    queue_name: 'e2e-idle',
    countdown: 3600,
  });
  await page.goto(`/tasks/${task.id}`);
  await expect(titleBadge(page)).toHaveText(/pending|retry/);
  await expect(page.locator('.waiting-reason')).toBeVisible();

  await page.getByRole('button', { name: 'Cancel' }).click();

  await expect(titleBadge(page)).toHaveText('cancelled');
  await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
});

test("a failed task's detail shows its traceback", async ({ page }) => {
  const task = await createFailedTask(page);
  await page.goto(`/tasks/${task.id}`);
  await expect(titleBadge(page)).toHaveText('failed');
  await expect(page.getByText('e2e: failed on purpose').first()).toBeVisible();

  const traceback = page.locator('details.traceback').first();
  await traceback.locator('summary').click();
  await expect(traceback.locator('pre')).toBeVisible();
  await expect(traceback.locator('pre')).toContainText('Traceback');
  await saveScreenshot(page, 'task-detail');
});
