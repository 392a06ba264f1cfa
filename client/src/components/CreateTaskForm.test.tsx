import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { toTaskFunction } from '../api/convert';
import { addNumbersFunction, slowTaskFunction, wireTask } from '../test/fixtures';
import { mockFetch } from '../test/mockFetch';
import { renderWithProviders } from '../test/render';
import { CreateTaskForm } from './CreateTaskForm';

const functions = [toTaskFunction(addNumbersFunction), toTaskFunction(slowTaskFunction)];

async function typeJson(user: ReturnType<typeof userEvent.setup>, label: RegExp, text: string) {
  const field = screen.getByLabelText(label);
  await user.clear(field);
  await user.click(field);
  await user.paste(text);
}

describe('CreateTaskForm', () => {
  it('shows the signature and prefills the defaults of the chosen task function', async () => {
    const user = userEvent.setup();
    renderWithProviders(<CreateTaskForm functions={functions} onCreated={vi.fn()} />);
    expect(screen.getByText('add_numbers(a, b)')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Task function'), 'slow_task');
    expect(JSON.parse((screen.getByLabelText(/kwargs/) as HTMLTextAreaElement).value)).toEqual({ duration: 5, message: 'Processing...' });
    expect(screen.getByLabelText('Max retries')).toHaveValue(3);
    expect(screen.getByLabelText('Queue')).toHaveValue('default');
  });

  it('checks args and kwargs client-side without calling the API', async () => {
    const { fetchMock } = mockFetch({});
    const user = userEvent.setup();
    renderWithProviders(<CreateTaskForm functions={functions} onCreated={vi.fn()} />);
    await typeJson(user, /args \(JSON array\)/, '{"a": 1}');
    await typeJson(user, /kwargs/, '[1]');
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(screen.getByLabelText(/args \(JSON array\)/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText(/args must be a JSON array/)).toBeInTheDocument();
    expect(screen.getByText(/kwargs must be a JSON object/)).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('reports a missing required parameter', async () => {
    mockFetch({});
    const user = userEvent.setup();
    renderWithProviders(<CreateTaskForm functions={functions} onCreated={vi.fn()} />);
    await typeJson(user, /args \(JSON array\)/, '[10]');
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(screen.getByText(/Missing required parameter: b/)).toBeInTheDocument();
  });

  it('shows the field errors of a 400 envelope next to the matching fields', async () => {
    const { calls } = mockFetch({
      'POST /api/tasks/': {
        status: 400,
        body: {
          success: false,
          message: 'Invalid task.',
          errors: { queue_name: ['Queue names may only hold letters.'], max_retries: ['Ensure this value is less than or equal to 100.'], other: ['Something else.'] },
        },
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<CreateTaskForm functions={functions} onCreated={vi.fn()} />);
    await typeJson(user, /args \(JSON array\)/, '[10, 20]');
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    const queueError = await screen.findByText('Queue names may only hold letters.');
    expect(queueError).toHaveAttribute('id', 'queueName-error');
    expect(screen.getByLabelText('Queue')).toHaveAttribute('aria-describedby', 'queueName-error');
    expect(screen.getByText('Ensure this value is less than or equal to 100.')).toHaveAttribute('id', 'maxRetries-error');
    expect(screen.getByRole('alert')).toHaveTextContent('Invalid task.');
    expect(screen.getByRole('alert')).toHaveTextContent('other: Something else.');
    expect(calls[0].body).toMatchObject({ task_name: 'add_numbers', args: [10, 20], kwargs: {}, priority: 'normal', max_retries: 3 });
  });

  it('hands the created task to onCreated', async () => {
    mockFetch({ 'POST /api/tasks/': { status: 201, body: { success: true, data: wireTask({ id: 'new-id' }) } } });
    const onCreated = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<CreateTaskForm functions={functions} onCreated={onCreated} />);
    await typeJson(user, /args \(JSON array\)/, '[10, 20]');
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(onCreated.mock.calls[0][0]).toMatchObject({ id: 'new-id', taskName: 'add_numbers' });
  });
});
