/** Renders a component with the app's providers: a fresh QueryClient, polling settings and a router. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import type { EventSourceFactory } from '../api/events';
import { LiveEventsProvider } from '../hooks/LiveEvents';
import type { LiveCacheOptions } from '../hooks/liveCache';
import { PollingProvider } from '../hooks/PollingProvider';

/** Shows the router's current location so tests can assert on the URL. */
function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

interface RenderOptions {
  route?: string;
  path?: string;
  /** An EventSource factory (see fakeEventSource.ts); without one the app polls, as where EventSource is missing. */
  eventSource?: EventSourceFactory | null;
  /** Short waits for live-update tests (the app's are 1 s). */
  liveCache?: LiveCacheOptions;
}

export function renderWithProviders(ui: ReactElement, { route = '/', path = '*', eventSource = null, liveCache }: RenderOptions = {}) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, refetchInterval: false }, mutations: { retry: false } },
  });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <PollingProvider>
        <LiveEventsProvider createEventSource={eventSource} cacheOptions={liveCache} retry={{ retryMinMs: 20, retryMaxMs: 80 }}>
          <MemoryRouter initialEntries={[route]}>
            <Routes>
              <Route path={path} element={ui} />
              {path !== '*' && <Route path="*" element={<p>elsewhere</p>} />}
            </Routes>
            <LocationProbe />
          </MemoryRouter>
        </LiveEventsProvider>
      </PollingProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}
