import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { API_POLL_INTERVAL } from '../../constants';
import { PollingProvider } from '../hooks/PollingProvider';
import { useRefetchInterval } from '../hooks/usePolling';
import { PollControl } from './PollControl';

function Probe() {
  const interval = useRefetchInterval();
  return <output data-testid="interval">{String(interval)}</output>;
}

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}

afterEach(() => setHidden(false));

function renderControl() {
  render(
    <PollingProvider>
      <PollControl />
      <Probe />
    </PollingProvider>,
  );
}

describe('PollControl', () => {
  it('polls every API_POLL_INTERVAL by default and lets the user change the interval', async () => {
    const user = userEvent.setup();
    renderControl();
    expect(screen.getByTestId('interval')).toHaveTextContent(String(API_POLL_INTERVAL));
    await user.selectOptions(screen.getByLabelText('Refresh interval'), '10000');
    expect(screen.getByTestId('interval')).toHaveTextContent('10000');
    expect(window.localStorage.getItem('dtq.pollIntervalMs')).toBe('10000');
  });

  it('stops polling while paused', async () => {
    const user = userEvent.setup();
    renderControl();
    await user.click(screen.getByRole('button', { name: /Pause/ }));
    expect(screen.getByTestId('interval')).toHaveTextContent('false');
    expect(screen.getByRole('button', { name: /Resume/ })).toHaveAttribute('aria-pressed', 'true');
  });

  it('stops polling while the page is hidden', () => {
    renderControl();
    act(() => setHidden(true));
    expect(screen.getByTestId('interval')).toHaveTextContent('false');
    act(() => setHidden(false));
    expect(screen.getByTestId('interval')).toHaveTextContent(String(API_POLL_INTERVAL));
  });
});
