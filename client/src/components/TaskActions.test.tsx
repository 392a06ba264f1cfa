import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { toTask } from '../api/convert';
import type { TaskStatus } from '../api/types';
import { wireTask } from '../test/fixtures';
import { mockFetch } from '../test/mockFetch';
import { renderWithProviders } from '../test/render';
import { TaskActions } from './TaskActions';

const ID = '3f2b8c1e-0000-4000-8000-000000000001';

function renderFor(status: TaskStatus) {
  return renderWithProviders(<TaskActions task={toTask(wireTask({ id: ID, status }))} />);
}

describe('TaskActions', () => {
  it.each<[TaskStatus, boolean, boolean]>([
    ['pending', false, true],
    ['retry', false, true],
    ['processing', false, false],
    ['success', false, false],
    ['failed', true, false],
    ['cancelled', true, false],
  ])('for a %s task shows Retry=%s and Cancel=%s', (status, retry, cancel) => {
    const { container } = renderFor(status);
    expect(screen.queryByRole('button', { name: 'Retry' }) !== null).toBe(retry);
    expect(screen.queryByRole('button', { name: 'Cancel' }) !== null).toBe(cancel);
    expect(container.querySelector('.action-result')).toBeEmptyDOMElement();
  });

  it('posts to the retry endpoint', async () => {
    const { calls } = mockFetch({ [`POST /api/tasks/${ID}/retry/`]: { body: { success: true, data: wireTask({ id: ID }) } } });
    const user = userEvent.setup();
    renderFor('failed');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.url.pathname.endsWith('/retry/'))).toBe(true));
    expect(await screen.findByText(/Re-queued: the task was pending/)).toBeInTheDocument();
  });

  it('shows the 409 message when cancelling is no longer allowed', async () => {
    mockFetch({
      [`POST /api/tasks/${ID}/cancel/`]: {
        status: 409,
        body: { success: false, message: 'Only pending or retry tasks can be cancelled.', errors: {} },
      },
    });
    const user = userEvent.setup();
    renderFor('pending');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Only pending or retry tasks can be cancelled. (HTTP 409)');
  });
});
