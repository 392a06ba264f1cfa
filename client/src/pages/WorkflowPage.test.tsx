import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { WireWorkflowDetail, WireWorkflowStep } from '../api/wire';
import { mockFetch, ok } from '../test/mockFetch';
import { renderWithProviders } from '../test/render';
import { WorkflowPage } from './WorkflowPage';

const ID = '01a24b37-0000-7000-8000-000000000001';

function step(path: string, overrides: Partial<WireWorkflowStep> = {}): WireWorkflowStep {
  return {
    kind: 'task', path, state: 'success', reason: null, allow_failures: false, task_name: 'add_numbers',
    task_id: `${path}-task`, task_status: 'success', steps: [], ...overrides,
  };
}

const FAILED: WireWorkflowDetail = {
  id: ID,
  status: 'failed',
  reason: 'chain[1] (task t-2) failed: RuntimeError: boom',
  created_at: '2025-01-02T03:04:05Z',
  updated_at: '2025-01-02T03:04:07Z',
  finished_at: '2025-01-02T03:04:07Z',
  progress: { total: 3, waiting: 0, running: 0, success: 1, failed: 1, cancelled: 1 },
  tree: step('chain', {
    kind: 'chain', state: 'failed', task_name: null, task_id: null, task_status: null,
    steps: [
      step('chain[0]'),
      step('chain[1]', { state: 'failed', task_name: 'failing_task', task_status: 'failed' }),
      step('chain[2]', { state: 'cancelled', task_id: null, task_status: null, reason: 'cancelled: chain[1] failed' }),
    ],
  }),
};

describe('WorkflowPage', () => {
  it('shows why a workflow failed, its progress and the graph of its steps', async () => {
    mockFetch({ [`GET /api/workflows/${ID}/`]: ok(FAILED) });

    renderWithProviders(<WorkflowPage />, { route: `/workflows/${ID}`, path: '/workflows/:id' });

    expect(await screen.findByText('chain[1] (task t-2) failed: RuntimeError: boom')).toBeInTheDocument();
    expect(screen.getByText(/1 of 3 task steps succeeded/)).toBeInTheDocument();
    expect(screen.getByLabelText('chain[1]: failing_task, failed')).toBeInTheDocument();
    expect(screen.getByLabelText('chain[2]: add_numbers, cancelled')).toBeInTheDocument();
  });
});
