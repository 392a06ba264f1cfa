/** Shared steps of the end-to-end tests: API calls made from the page (with its session and CSRF cookie) and screenshots. */
import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

export interface ApiTask {
  id: string;
  status: string;
  result: unknown;
  attempts?: unknown[];
}

/** Saves a full-page screenshot as docs/screenshots/<name>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** POSTs /api/tasks/ from the page, so the session cookie and X-CSRFToken go along. */
export async function createTask(page: Page, body: Record<string, unknown>): Promise<ApiTask> {
  if (page.url() === 'about:blank') await page.goto('/');
  const answer = await page.evaluate(async (payload) => {
    const token = document.cookie.split('; ').find((c) => c.startsWith('csrftoken='))?.split('=')[1] ?? '';
    const response = await fetch('/api/tasks/', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
      body: JSON.stringify(payload),
    });
    return { status: response.status, body: (await response.json()) as { data: unknown } };
  }, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.data as ApiTask;
}

/** POST /api/tasks/{id}/cancel/ from the page (clean-up of tasks a test left waiting). */
export async function cancelTask(page: Page, id: string): Promise<number> {
  return page.evaluate(async (taskId) => {
    const token = document.cookie.split('; ').find((c) => c.startsWith('csrftoken='))?.split('=')[1] ?? '';
    const response = await fetch(`/api/tasks/${taskId}/cancel/`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': token },
    });
    return response.status;
  }, id);
}

/** GET /api/tasks/{id}/ from the page. */
export async function fetchTask(page: Page, id: string): Promise<ApiTask> {
  return page.evaluate(async (taskId) => {
    const response = await fetch(`/api/tasks/${taskId}/`, { credentials: 'same-origin' });
    return ((await response.json()) as { data: ApiTask }).data;
  }, id);
}

/** Polls the API until the task has the wanted status (no fixed sleeps). */
export async function waitForStatus(page: Page, id: string, status: string, timeout = 45_000): Promise<void> {
  await expect.poll(async () => (await fetchTask(page, id)).status, { timeout, intervals: [250, 500, 1000] }).toBe(status);
}

/** A failing_task that will not be retried, waited for until it is failed. */
export async function createFailedTask(page: Page): Promise<ApiTask> {
  const task = await createTask(page, {
    task_name: 'failing_task',
    kwargs: { should_fail: true, error_message: 'e2e: failed on purpose' },
    max_retries: 0,
    priority: 'high',
  });
  await waitForStatus(page, task.id, 'failed');
  return task;
}

/** The status badge in the task detail page's title. */
export function titleBadge(page: Page) {
  return page.locator('h1 .badge.status');
}

export interface ApiSchedule {
  name: string;
  enabled: boolean;
  orphaned: boolean;
  last_task_id: string | null;
  recent_runs?: { task_id: string }[];
}

/** GET /api/schedules/{name}/ from the page. */
export async function fetchSchedule(page: Page, name: string): Promise<ApiSchedule> {
  return page.evaluate(async (scheduleName) => {
    const response = await fetch(`/api/schedules/${encodeURIComponent(scheduleName)}/`, { credentials: 'same-origin' });
    return ((await response.json()) as { data: ApiSchedule }).data;
  }, name);
}

/** POST /api/schedules/{name}/resume/ from the page (clean-up of a test that paused it). */
export async function resumeSchedule(page: Page, name: string): Promise<number> {
  return page.evaluate(async (scheduleName) => {
    const token = document.cookie.split('; ').find((c) => c.startsWith('csrftoken='))?.split('=')[1] ?? '';
    const response = await fetch(`/api/schedules/${encodeURIComponent(scheduleName)}/resume/`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': token },
    });
    return response.status;
  }, name);
}

export interface ApiWorkflowStep {
  path: string;
  state: string;
  task_id: string | null;
  steps: ApiWorkflowStep[];
}

export interface ApiWorkflow {
  id: string;
  status: string;
  tree: ApiWorkflowStep;
}

/** POSTs /api/workflows/ from the page. */
export async function createWorkflow(page: Page, body: Record<string, unknown>): Promise<ApiWorkflow> {
  if (page.url() === 'about:blank') await page.goto('/');
  const answer = await page.evaluate(async (payload) => {
    const token = document.cookie.split('; ').find((c) => c.startsWith('csrftoken='))?.split('=')[1] ?? '';
    const response = await fetch('/api/workflows/', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
      body: JSON.stringify(payload),
    });
    return { status: response.status, body: (await response.json()) as { data: unknown } };
  }, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.data as ApiWorkflow;
}
