import type { ReactElement, ReactNode } from 'react';
import { cloneElement } from 'react';

interface FormFieldProps {
  id: string;
  label: string;
  error?: string | string[];
  hint?: ReactNode;
  /** The input, select or textarea; it gets id, aria-invalid and aria-describedby. */
  children: ReactElement<{ id?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }>;
  className?: string;
}

/** A labelled form control with its hint and its error message right below it. */
export function FormField({ id, label, error, hint, children, className }: FormFieldProps) {
  const messages = error === undefined ? [] : Array.isArray(error) ? error : [error];
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = messages.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`form-field${messages.length ? ' has-error' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, 'aria-invalid': messages.length > 0, 'aria-describedby': describedBy })}
      {hint && (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      )}
      {errorId && (
        <p className="field-error" id={errorId} data-field={id}>
          {messages.join(' ')}
        </p>
      )}
    </div>
  );
}
