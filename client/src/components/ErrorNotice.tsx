import { ApiError } from '../api/client';

/** A failed load or action, in words; nothing when there is no error. */
export function ErrorNotice({ error, prefix }: { error: unknown; prefix?: string }) {
  if (!error) return null;
  const message =
    error instanceof ApiError
      ? error.status === 0
        ? error.message
        : `${error.message} (HTTP ${error.status})`
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <p className="notice error" role="alert">
      {prefix ? `${prefix}: ` : ''}
      {message}
    </p>
  );
}
