import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { request } from '../api/client';
import { mockFetch, ok } from '../test/mockFetch';
import { AuthGate } from './AuthGate';

function Where() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

function renderGate(route: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[route]}>
        <AuthGate>
          <Routes>
            <Route path="/login" element={<p>login page</p>} />
            <Route path="*" element={<p>dashboard</p>} />
          </Routes>
        </AuthGate>
        <Where />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('AuthGate', () => {
  it('sends an anonymous user to /login when the API requires a login', async () => {
    mockFetch({ 'GET /api/auth/me/': ok({ authenticated: false, username: null, can_write: false, auth_required: true }) });
    renderGate('/tasks?status=failed');
    expect(await screen.findByText('login page')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Ftasks%3Fstatus%3Dfailed');
  });

  it('lets everyone in when the API is open', async () => {
    mockFetch({ 'GET /api/auth/me/': ok({ authenticated: false, username: null, can_write: true, auth_required: false }) });
    renderGate('/workers');
    expect(await screen.findByText('dashboard')).toBeInTheDocument();
  });

  it('goes to /login when any call answers 401', async () => {
    mockFetch({
      'GET /api/auth/me/': ok({ authenticated: false, username: null, can_write: true, auth_required: false }),
      'GET /api/stats/': { status: 401, body: { success: false, message: 'Authentication required.', errors: {} } },
    });
    renderGate('/');
    await screen.findByText('dashboard');
    await request('/stats/').catch(() => undefined);
    expect(await screen.findByText('login page')).toBeInTheDocument();
  });
});
