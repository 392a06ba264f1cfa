import { expect, test, type Page, type Request } from '@playwright/test';
import { createTask } from './helpers';

/** GET /api/tasks/ with any query string: the list endpoint (not a task's detail, not the create). */
function isListRequest(request: Request): boolean {
  const url = new URL(request.url());
  return request.method() === 'GET' && url.pathname === '/api/tasks/';
}

/** Records the list requests of the page from now on, and how many of them have ended. */
function watchListRequests(page: Page) {
  const sent: { url: string; at: number }[] = [];
  let ended = 0;
  page.on('request', (request) => {
    if (isListRequest(request)) sent.push({ url: request.url(), at: Date.now() });
  });
  const end = (request: Request) => {
    if (isListRequest(request)) ended += 1;
  };
  page.on('requestfinished', end);
  page.on('requestfailed', end);
  return { sent, settled: () => sent.length > 0 && ended === sent.length };
}

const indicator = (page: Page) => page.locator('.live-indicator');

test('a task created through the API appears on the open tasks list and turns success, with no list request', async ({ page }) => {
  const list = watchListRequests(page);
  await page.goto('/tasks');
  await expect(page.getByRole('heading', { name: 'Tasks' })).toBeVisible();
  await expect(indicator(page)).toHaveAttribute('data-state', 'live');
  await expect(indicator(page)).toHaveText('Live');
  // The load, then the refetch a new stream asks for (what happened before it opened), both ended.
  await expect.poll(() => list.sent.length).toBeGreaterThanOrEqual(2);
  await expect.poll(() => list.settled()).toBe(true);
  const before = list.sent.length;

  const task = await createTask(page, { task_name: 'add_numbers', args: [2, 3] });

  const row = page.locator(`table.tasks-table tbody tr[data-task-id="${task.id}"]`);
  await expect(row).toBeVisible();
  await expect(row.locator('.task-name')).toHaveText('add_numbers');
  await expect(row).toHaveAttribute('data-status', 'success', { timeout: 45_000 });
  await expect(row.locator('.badge.status')).toHaveText('success');
  expect(list.sent.slice(before), 'list requests between the create and the success').toEqual([]);
  expect(page.url()).toMatch(/\/tasks$/);
});

test('the dashboard falls back to polling, and says so, when the event stream is refused', async ({ page }) => {
  await page.route('**/api/events/**', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{}' }));
  const list = watchListRequests(page);
  await page.goto('/tasks');
  await expect(indicator(page)).toHaveAttribute('data-state', 'down');
  await expect(indicator(page)).toContainText('Polling');
  const before = list.sent.length;
  // The default poll interval is 3 s.
  await expect.poll(() => list.sent.length, { timeout: 15_000 }).toBeGreaterThan(before);

  // The stream comes back: the next retry (backoff up to 15 s) finds it, and polling stops.
  await page.unroute('**/api/events/**');
  await expect(indicator(page)).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
});

test('the pause button closes the stream, and resume opens it again', async ({ page }) => {
  await page.goto('/tasks');
  await expect(indicator(page)).toHaveAttribute('data-state', 'live');
  await page.getByRole('button', { name: /Pause/ }).click();
  await expect(indicator(page)).toHaveAttribute('data-state', 'off');
  await expect(indicator(page)).toContainText('Paused');
  await page.getByRole('button', { name: /Resume/ }).click();
  await expect(indicator(page)).toHaveAttribute('data-state', 'live');
});

test("the overview's counters follow a task's events", async ({ page }) => {
  const stats: number[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/stats/') stats.push(Date.now());
  });
  await page.goto('/');
  await expect(indicator(page)).toHaveAttribute('data-state', 'live');
  const success = page.locator('.count-card.success .count-value');
  await expect(success).toHaveText(/\d/);
  // The load and the new stream's refetch.
  await expect.poll(() => stats.length).toBeGreaterThanOrEqual(2);
  const before = Number((await success.innerText()).replace(/\D/g, ''));

  await createTask(page, { task_name: 'add_numbers', args: [4, 5] });

  await expect.poll(async () => Number((await success.innerText()).replace(/\D/g, '')), { timeout: 45_000 }).toBeGreaterThan(before);
});
