import { Link } from 'react-router';
import { useHealth } from '../hooks/queries';

/** A compact "stores and workers" light for the header; the title says what is wrong. */
export function HealthIndicator() {
  const { data, error } = useHealth();
  if (error && !data) {
    return (
      <span className="health bad" title={`API unreachable: ${error.message}`}>
        <span className="dot" aria-hidden="true" /> API down
      </span>
    );
  }
  if (!data) return null;
  const storesOk = data.postgres.ok && data.redis.ok;
  const problems = [
    !data.postgres.ok && `PostgreSQL: ${data.postgres.error ?? 'down'}`,
    !data.redis.ok && `Redis: ${data.redis.error ?? 'down'}`,
    data.workersAlive === 0 && 'no live worker',
  ].filter(Boolean);
  const level = !storesOk ? 'bad' : data.workersAlive === 0 ? 'warn' : 'ok';
  return (
    <Link
      to="/workers"
      className={`health ${level}`}
      title={problems.length ? problems.join('; ') : 'PostgreSQL and Redis are up'}
    >
      <span className="dot" aria-hidden="true" />
      {storesOk ? `${data.workersAlive} worker${data.workersAlive === 1 ? '' : 's'}` : 'store down'}
    </Link>
  );
}
