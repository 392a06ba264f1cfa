import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { login } from '../api/endpoints';
import { queryKeys, useMe } from '../hooks/queries';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/** Session login (POST /api/auth/login/), then back to the page that needed it. */
export function LoginPage() {
  useDocumentTitle('Sign in');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const mutation = useMutation({
    mutationFn: () => login(username, password),
    onSuccess: async (next) => {
      queryClient.setQueryData(queryKeys.me, next);
      await queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      await navigate(safeNext(params.get('next')), { replace: true });
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  const error = mutation.error;
  const fieldErrors = error instanceof ApiError ? error.fieldErrors : {};
  return (
    <div className="page login-page">
      <form className="panel login-form" onSubmit={onSubmit}>
        <h1>Sign in</h1>
        {me?.authenticated && (
          <p className="notice info">
            You are signed in as <strong>{me.username}</strong>, but that account may not do this. Sign in as another user.
          </p>
        )}
        {error && (
          <p className="notice error" role="alert">
            {error.message}
          </p>
        )}
        <div className="form-field">
          <label htmlFor="username">Username</label>
          <input id="username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
          {fieldErrors.username && <p className="field-error">{fieldErrors.username.join(' ')}</p>}
        </div>
        <div className="form-field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {fieldErrors.password && <p className="field-error">{fieldErrors.password.join(' ')}</p>}
        </div>
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
