import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { PRIORITY_NAMES, TASK_STATUSES } from '../api/types';
import { schedulePath } from '../lib/schedules';
import { ORDERINGS, TIME_RANGES, hasFilters } from '../lib/taskQuery';

interface TaskFiltersProps {
  params: URLSearchParams;
  onChange: (updates: Record<string, string | undefined>) => void;
  onClear: () => void;
  queueNames: string[];
  taskNames: string[];
}

const SEARCH_DELAY_MS = 300;

/** The tasks list's filters; each change is written to the URL by the page. */
export function TaskFilters({ params, onChange, onClear, queueNames, taskNames }: TaskFiltersProps) {
  const urlSearch = params.get('search') ?? '';
  const [search, setSearch] = useState(urlSearch);
  const [lastUrlSearch, setLastUrlSearch] = useState(urlSearch);
  if (urlSearch !== lastUrlSearch) {
    // The URL changed under us (back button, a link): show its search text.
    setLastUrlSearch(urlSearch);
    setSearch(urlSearch);
  }
  useEffect(() => {
    if (search === urlSearch) return undefined;
    const id = window.setTimeout(() => onChange({ search: search.trim() || undefined }), SEARCH_DELAY_MS);
    return () => window.clearTimeout(id);
  }, [search, urlSearch, onChange]);

  const select = (name: string, label: string, options: readonly string[], anyLabel: string) => {
    const current = params.get(name) ?? '';
    const values = current && !options.includes(current) ? [current, ...options] : options;
    return (
      <div className="field">
        <label htmlFor={`filter-${name}`}>{label}</label>
        <select id={`filter-${name}`} name={name} value={current} onChange={(event) => onChange({ [name]: event.target.value || undefined })}>
          <option value="">{anyLabel}</option>
          {values.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </div>
    );
  };

  const scheduleName = params.get('schedule_name');
  return (
    <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
      {scheduleName && (
        // Reached from a schedule ("All runs"): no select lists schedules, so the filter shows as a removable chip.
        <div className="field">
          <span id="filter-schedule-label">Schedule</span>
          <span className="filter-chip" role="group" aria-labelledby="filter-schedule-label">
            <Link to={schedulePath(scheduleName)}>{scheduleName}</Link>
            <button
              type="button"
              className="button ghost small"
              aria-label={`Remove the filter on schedule ${scheduleName}`}
              onClick={() => onChange({ schedule_name: undefined })}
            >
              ×
            </button>
          </span>
        </div>
      )}
      <div className="field grow">
        <label htmlFor="filter-search">Search</label>
        <input
          id="filter-search"
          type="search"
          name="search"
          value={search}
          placeholder="task id (or its start), task name or error text"
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      {select('status', 'Status', TASK_STATUSES, 'any status')}
      {select('priority', 'Priority', PRIORITY_NAMES, 'any priority')}
      {select('queue_name', 'Queue', queueNames, 'any queue')}
      {select('task_name', 'Task name', taskNames, 'any task')}
      <div className="field">
        <label htmlFor="filter-since">Created</label>
        <select id="filter-since" name="since" value={params.get('since') ?? ''} onChange={(event) => onChange({ since: event.target.value || undefined })}>
          <option value="">any time</option>
          {TIME_RANGES.map((range) => (
            <option key={range.value} value={range.value}>
              {range.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-ordering">Order</label>
        <select
          id="filter-ordering"
          name="ordering"
          value={params.get('ordering') ?? '-created_at'}
          onChange={(event) => onChange({ ordering: event.target.value === '-created_at' ? undefined : event.target.value })}
        >
          {ORDERINGS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <button type="button" className="button ghost" onClick={onClear} disabled={!hasFilters(params)}>
        Clear filters
      </button>
    </form>
  );
}
