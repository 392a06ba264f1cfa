import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { logout } from '../api/endpoints';
import { useMe } from '../hooks/queries';

/** The signed-in user's name and a Sign out button; nothing when the API is open and nobody signed in. */
export function UserMenu() {
  const { data: me } = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: logout,
    onSettled: async () => {
      queryClient.clear();
      await navigate('/login');
    },
  });
  if (!me?.authenticated) return null;
  return (
    <div className="user-menu">
      <span className="muted" title={me.canWrite ? 'can create, retry and cancel tasks' : 'read only'}>
        {me.username}
      </span>
      <button type="button" className="button small ghost" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        Sign out
      </button>
    </div>
  );
}
