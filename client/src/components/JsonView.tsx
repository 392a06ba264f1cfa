import type { JsonValue } from '../api/types';

/** A JSON value pretty-printed in a scrollable <pre>. */
export function JsonView({ value, label }: { value: JsonValue | undefined; label: string }) {
  const text = value === undefined ? '—' : JSON.stringify(value, null, 2);
  return (
    <pre className="json" aria-label={label} tabIndex={0}>
      {text}
    </pre>
  );
}
