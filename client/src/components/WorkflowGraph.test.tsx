import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { WorkflowStep } from '../api/types';
import { renderWithProviders } from '../test/render';
import { WorkflowGraph } from './WorkflowGraph';

function task(path: string, overrides: Partial<WorkflowStep> = {}): WorkflowStep {
  return {
    kind: 'task', path, state: 'running', reason: null, allowFailures: false, taskName: 'add_numbers',
    taskId: null, taskStatus: null, steps: [], ...overrides,
  };
}

const CHORD: WorkflowStep = {
  ...task('chord', { kind: 'chord', taskName: null }),
  steps: [
    {
      ...task('chord.group', { kind: 'group', taskName: null }),
      steps: [
        task('chord.group[0]', { state: 'success', taskId: 'a-1', taskStatus: 'success' }),
        task('chord.group[1]', { state: 'running', taskId: 'a-2', taskStatus: 'processing' }),
      ],
    },
    task('chord.then', { state: 'waiting', taskName: 'process_data' }),
  ],
};

describe('WorkflowGraph', () => {
  it('draws a chord as its group, then its callback, each member linking to its task', () => {
    renderWithProviders(<WorkflowGraph step={CHORD} />);

    const first = screen.getByLabelText('chord.group[0]: add_numbers, success');
    expect(within(first).getByRole('link', { name: 'add_numbers' })).toHaveAttribute('href', '/tasks/a-1');
    const second = screen.getByLabelText('chord.group[1]: add_numbers, running');
    expect(within(second).getByText('task processing')).toBeInTheDocument();
    const group = screen.getByLabelText('chord.group: group, running');
    expect(within(group).getAllByRole('listitem')).toHaveLength(2);
  });

  it('shows a step with no task yet without a link, and a cancelled step with its reason', () => {
    const failed: WorkflowStep = {
      ...CHORD,
      state: 'failed',
      steps: [
        CHORD.steps[0],
        task('chord.then', { state: 'cancelled', taskName: 'process_data', reason: 'cancelled: chord.group[1] failed' }),
      ],
    };
    renderWithProviders(<WorkflowGraph step={failed} />);

    const callback = screen.getByLabelText('chord.then: process_data, cancelled');
    expect(within(callback).queryByRole('link')).not.toBeInTheDocument();
    expect(within(callback).getByText('cancelled: chord.group[1] failed')).toBeInTheDocument();
    expect(screen.getByLabelText('chord: chord, failed')).toBeInTheDocument();
  });
});
