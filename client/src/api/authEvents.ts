/** Tells the app that the API answered 401 or 403, so it can show the login page. */
type Listener = (status: number) => void;

const listeners = new Set<Listener>();

export function onUnauthorized(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function notifyUnauthorized(status: number): void {
  for (const listener of listeners) listener(status);
}
