import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TASK_STATUSES } from '../api/types';
import { StatusBadge } from './StatusBadge';

describe('StatusBadge', () => {
  it.each(TASK_STATUSES)('shows the API status %s as its text and CSS class', (status) => {
    render(<StatusBadge status={status} />);
    const badge = screen.getByText(status);
    expect(badge).toHaveClass('badge', 'status', status);
    expect(badge.textContent).toBe(status);
  });
});
