import { NavLink, Outlet } from 'react-router';
import { HealthIndicator } from './HealthIndicator';
import { LiveIndicator } from './LiveIndicator';
import { PollControl } from './PollControl';
import { ThemeToggle } from './ThemeToggle';
import { UserMenu } from './UserMenu';

const LINKS = [
  { to: '/', label: 'Overview', end: true },
  { to: '/tasks', label: 'Tasks', end: false },
  { to: '/failures', label: 'Failures', end: false },
  { to: '/workers', label: 'Workers', end: false },
  { to: '/schedules', label: 'Schedules', end: false },
  { to: '/create', label: 'Create task', end: false },
];

/** The page frame: skip link, header with navigation and live-update controls, the routed page. */
export function Layout() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <NavLink to="/" className="brand" end>
          <img src="/favicon.svg" alt="" width={24} height={24} />
          <span>Task queue</span>
        </NavLink>
        <nav aria-label="Main" className="main-nav">
          <ul>
            {LINKS.map((link) => (
              <li key={link.to}>
                <NavLink to={link.to} end={link.end}>
                  {link.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-tools">
          <HealthIndicator />
          <LiveIndicator />
          <PollControl />
          <ThemeToggle />
          <UserMenu />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
