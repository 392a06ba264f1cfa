import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { API_POLL_INTERVAL } from '../../constants';
import { useTasks } from '../hooks/queries';
import { useRefetchInterval } from '../hooks/usePolling';
import { fakeEventSources, wireEvent } from '../test/fakeEventSource';
import { wireTask } from '../test/fixtures';
import { mockFetch, ok, type RecordedCall } from '../test/mockFetch';
import { renderWithProviders } from '../test/render';
import { LiveIndicator } from './LiveIndicator';
import { PollControl } from './PollControl';

function Probe() {
  const interval = useRefetchInterval();
  const tasks = useTasks('');
  return (
    <>
      <output data-testid="interval">{String(interval)}</output>
      <output data-testid="statuses">{tasks.data?.items.map((t) => t.status).join(',')}</output>
    </>
  );
}

function renderHeader() {
  const sources = fakeEventSources();
  const { calls } = mockFetch({
    'GET /api/tasks/': ok([wireTask({ id: 'aaaaaaaa-0000-4000-8000-000000000001', status: 'pending' })], {
      page: 1,
      page_size: 50,
      count: 1,
      count_is_estimate: false,
      has_next: false,
      has_previous: false,
    }),
  });
  renderWithProviders(
    <>
      <LiveIndicator />
      <PollControl />
      <Probe />
    </>,
    { eventSource: sources.factory, liveCache: { refetchEveryMs: 50, detailWaitMs: 10 } },
  );
  return { sources, calls };
}

function indicator(): HTMLElement {
  const element = document.querySelector<HTMLElement>('.live-indicator');
  if (!element) throw new Error('no live indicator');
  return element;
}
const listRequests = (calls: RecordedCall[]) => calls.filter((c) => c.url.pathname === '/api/tasks/').length;

describe('LiveIndicator and the fallback to polling', () => {
  it('says Live and stops polling while the stream is up', () => {
    const { sources } = renderHeader();
    expect(indicator()).toHaveTextContent('Connecting');
    expect(screen.getByTestId('interval')).toHaveTextContent(String(API_POLL_INTERVAL));
    act(() => sources.latest.open());
    expect(indicator()).toHaveTextContent('Live');
    expect(screen.getByTestId('interval')).toHaveTextContent('false');
  });

  it('falls back to polling and says so when the stream fails, then resumes live mode when it comes back', async () => {
    const { sources } = renderHeader();
    act(() => sources.latest.open());
    act(() => sources.latest.fail());
    expect(indicator()).toHaveTextContent('Polling (live updates unavailable)');
    expect(indicator()).toHaveAttribute('data-state', 'down');
    expect(screen.getByTestId('interval')).toHaveTextContent(String(API_POLL_INTERVAL));

    // The retry comes after a backoff (20–80 ms in tests): a new EventSource, live again once open.
    await waitFor(() => expect(sources.made).toHaveLength(2));
    act(() => sources.latest.open());
    expect(indicator()).toHaveTextContent('Live');
    expect(screen.getByTestId('interval')).toHaveTextContent('false');
  });

  it('polls while the browser reconnects a dropped stream by itself', () => {
    const { sources } = renderHeader();
    act(() => sources.latest.open());
    act(() => sources.latest.drop());
    expect(indicator()).toHaveTextContent('Polling');
    expect(screen.getByTestId('interval')).toHaveTextContent(String(API_POLL_INTERVAL));
    act(() => sources.latest.open());
    expect(indicator()).toHaveTextContent('Live');
    expect(sources.made).toHaveLength(1);
  });

  it('pauses live updates with the pause button: the stream closes, the page freezes, and resume refetches once', async () => {
    const user = userEvent.setup();
    const { sources, calls } = renderHeader();
    act(() => sources.latest.open());
    await waitFor(() => expect(screen.getByTestId('statuses')).toHaveTextContent('pending'));
    await waitFor(() => expect(listRequests(calls)).toBe(2)); // the load and the new stream's catch-up

    await user.click(screen.getByRole('button', { name: /Pause/ }));
    const paused = sources.latest;
    expect(paused.closed).toBe(true);
    expect(indicator()).toHaveTextContent('Paused');
    expect(screen.getByTestId('interval')).toHaveTextContent('false');
    act(() => paused.task(wireEvent({ type: 'started', task_id: 'aaaaaaaa-0000-4000-8000-000000000001', status: 'processing' })));
    await act(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(screen.getByTestId('statuses')).toHaveTextContent('pending');
    expect(listRequests(calls)).toBe(2);

    await user.click(screen.getByRole('button', { name: /Resume/ }));
    expect(sources.made).toHaveLength(2);
    act(() => sources.latest.open());
    expect(indicator()).toHaveTextContent('Live');
    await waitFor(() => expect(listRequests(calls)).toBe(3));
    await act(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(listRequests(calls)).toBe(3);
  });

  it('says Polling where the browser has no EventSource', () => {
    mockFetch({});
    renderWithProviders(<LiveIndicator />);
    expect(indicator()).toHaveTextContent('Polling');
  });
});
