import { expect, test } from '@playwright/test';
import { createWorkflow, saveScreenshot } from './helpers';

test("a chord's graph is reached from a member task and fills in as its steps run", async ({ page }) => {
  const workflow = await createWorkflow(page, {
    chord: {
      group: [
        { task_name: 'add_numbers', args: [1, 2] },
        { task_name: 'add_numbers', args: [3, 4] },
      ],
      then: { task_name: 'process_data', kwargs: { operation: 'sum' } },
    },
  });
  const member = workflow.tree.steps[0].steps[0];
  expect(member.task_id).not.toBeNull();

  await page.goto(`/tasks/${member.task_id}`);
  await page.getByRole('link', { name: 'workflow' }).click();

  await expect(page).toHaveURL(new RegExp(`/workflows/${workflow.id}$`));
  // The page polls: the callback's node gets its task and the workflow ends without a reload.
  await expect(page.locator('h1 .badge.status')).toHaveText('success', { timeout: 45_000 });
  const callback = page.getByLabel('chord.then: process_data, success');
  await expect(callback.getByRole('link', { name: 'process_data' })).toBeVisible();
  await expect(page.getByLabel('chord.group[1]: add_numbers, success')).toBeVisible();
  await saveScreenshot(page, 'workflow');
});
