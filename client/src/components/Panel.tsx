import type { ReactNode } from 'react';
import { ErrorNotice } from './ErrorNotice';
import { Freshness } from './Freshness';

interface PanelProps {
  title: string;
  /** dataUpdatedAt of the panel's query; omit for panels that show no fetched data. */
  updatedAt?: number;
  fetching?: boolean;
  error?: unknown;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}

/** A titled section that says how fresh its data is and shows its load error. */
export function Panel({ title, updatedAt, fetching, error, actions, children, className }: PanelProps) {
  return (
    <section className={`panel${className ? ` ${className}` : ''}`} aria-label={title}>
      <header className="panel-header">
        <h2>{title}</h2>
        <div className="panel-meta">
          {actions}
          {updatedAt !== undefined && <Freshness updatedAt={updatedAt} fetching={fetching} stale={Boolean(error)} />}
        </div>
      </header>
      <ErrorNotice error={error} prefix="Could not refresh" />
      {children}
    </section>
  );
}
