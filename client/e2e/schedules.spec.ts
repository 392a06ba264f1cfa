import { expect, test } from '@playwright/test';
import { fetchSchedule, resumeSchedule, saveScreenshot, titleBadge, waitForStatus } from './helpers';

// The example project's sample schedule (every minute), which every run_worker supervisor ticks.
const SAMPLE = 'example-heartbeat';

test.describe('schedules', () => {
  test('the sample schedule is paused, resumed and run now from the schedules page', async ({ page }) => {
    await page.goto('/schedules');
    await expect(page.getByRole('heading', { name: 'Schedules' })).toBeVisible();
    const row = page.locator(`table.schedules-table tbody tr[data-schedule="${SAMPLE}"]`);
    const state = row.locator('.badge.schedule');
    await expect(row.getByRole('link', { name: SAMPLE })).toBeVisible();
    await expect(row.locator('.trigger')).toHaveText(/^(every|cron) /);
    await expect(state).toHaveText('enabled');

    try {
      await row.getByRole('button', { name: 'Pause' }).click();
      await expect(state).toHaveText('paused');
      expect((await fetchSchedule(page, SAMPLE)).enabled).toBe(false);

      await row.getByRole('button', { name: 'Resume' }).click();
      await expect(state).toHaveText('enabled');
      expect((await fetchSchedule(page, SAMPLE)).enabled).toBe(true);
    } finally {
      await resumeSchedule(page, SAMPLE);
    }

    await row.getByRole('button', { name: 'Run now' }).click();
    const newTask = row.locator('.action-result').getByRole('link', { name: /^task / });
    const href = await newTask.getAttribute('href');
    const taskId = href?.split('/').pop() ?? '';
    expect(taskId).not.toBe('');
    await newTask.click();

    await expect(page).toHaveURL(new RegExp(`/tasks/${taskId}$`));
    await expect(titleBadge(page)).toBeVisible();
    await expect(page.locator('.task-schedule').getByRole('link', { name: SAMPLE })).toHaveAttribute('href', `/schedules/${SAMPLE}`);

    // Back on the list, the run shows as the schedule's last run once a worker has run it.
    await waitForStatus(page, taskId, 'success');
    await page.goto('/schedules');
    await expect(row.locator('.last-run .badge.status').first()).toBeVisible();
    await saveScreenshot(page, 'schedules');
  });

  test("a schedule's detail shows its definition and recent runs, and leads to all its tasks", async ({ page }) => {
    await page.goto('/schedules');
    await page.locator('table.schedules-table').getByRole('link', { name: SAMPLE }).click();

    await expect(page).toHaveURL(new RegExp(`/schedules/${SAMPLE}$`));
    await expect(page.getByRole('heading', { name: new RegExp(SAMPLE) })).toBeVisible();
    const definition = page.getByRole('region', { name: 'Definition' });
    await expect(definition.getByText('Time zone')).toBeVisible();
    await expect(definition.getByText('Catch up')).toBeVisible();

    // Run it now from here, so the recent runs hold a task whatever ran before.
    await page.getByRole('button', { name: 'Run now' }).click();
    const href = await page.locator('.action-result').getByRole('link', { name: /^task / }).getAttribute('href');
    const taskId = href?.split('/').pop() ?? '';
    await waitForStatus(page, taskId, 'success');
    const run = page.locator(`table.schedule-runs-table tbody tr[data-task-id="${taskId}"]`);
    await expect(run.locator('.badge.status')).toHaveText('success');
    expect((await fetchSchedule(page, SAMPLE)).recent_runs?.map((r) => r.task_id)).toContain(taskId);
    await saveScreenshot(page, 'schedule-detail');

    await page.getByRole('link', { name: 'All runs →' }).click();
    await expect(page).toHaveURL(new RegExp(`/tasks\\?schedule_name=${SAMPLE}$`));
    await expect(page.getByRole('group', { name: 'Schedule' })).toContainText(SAMPLE);
    await expect(page.locator(`table.tasks-table tbody tr[data-task-id="${taskId}"]`)).toBeVisible();
  });
});
