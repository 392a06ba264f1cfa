import { useTheme } from '../hooks/useTheme';

const LABELS = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' } as const;
const ICONS = { system: '◐', light: '☀', dark: '☾' } as const;

/** Cycles the colour theme: system → light → dark. */
export function ThemeToggle() {
  const { theme, cycleTheme } = useTheme();
  return (
    <button type="button" className="button small ghost" onClick={cycleTheme} title={LABELS[theme]} aria-label={LABELS[theme]}>
      <span aria-hidden="true">{ICONS[theme]}</span>
    </button>
  );
}
