import { useEffect, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { onUnauthorized } from '../api/authEvents';
import { useMe } from '../hooks/queries';

function loginPath(pathname: string, search: string): string {
  return `/login?next=${encodeURIComponent(pathname + search)}`;
}

/** Sends the user to /login when the API requires a login, or when any call answers 401 or 403. */
export function AuthGate({ children }: { children: ReactNode }) {
  const { data: me } = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const onLogin = location.pathname === '/login';

  useEffect(
    () =>
      onUnauthorized(() => {
        if (window.location.pathname !== '/login') {
          void navigate(loginPath(window.location.pathname, window.location.search), { replace: true });
        }
      }),
    [navigate],
  );

  if (me && me.authRequired && !me.authenticated && !onLogin) {
    return <Navigate to={loginPath(location.pathname, location.search)} replace />;
  }
  return <>{children}</>;
}
