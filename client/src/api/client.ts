/** The fetch wrapper: unwraps the envelope, sends the CSRF token, throws ApiError. */
import { API_BASE_URL } from '../../constants';
import { notifyUnauthorized } from './authEvents';
import type { WireEnvelope, WireListMeta } from './wire';

export type FieldErrors = Record<string, string[]>;

/** A failed API call: the HTTP status (0 when the server was not reached), the envelope's message and field errors. */
export class ApiError extends Error {
  readonly status: number;
  readonly fieldErrors: FieldErrors;

  constructor(status: number, message: string, fieldErrors: FieldErrors = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.fieldErrors = fieldErrors;
  }

  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** Error statuses whose envelope still carries data to return (e.g. 503 from /api/health/). */
  dataOnStatus?: number[];
}

export interface Unwrapped<T> {
  data: T;
  meta: WireListMeta | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The value of a cookie of this page, or null. */
export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const url = `${API_BASE_URL}${path.startsWith('/') ? path : `/${path}`}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

function normaliseErrors(errors: WireEnvelope<unknown>['errors']): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, messages] of Object.entries(errors ?? {})) {
    out[field] = Array.isArray(messages) ? messages.map(String) : [String(messages)];
  }
  return out;
}

async function readEnvelope<T>(response: Response): Promise<WireEnvelope<T> | null> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as WireEnvelope<T>;
  } catch {
    return null;
  }
}

function fallbackMessage(response: Response, hadEnvelope: boolean): string {
  const status = [response.status, response.statusText].filter(Boolean).join(' ');
  return hadEnvelope ? `Request failed (${status}).` : `Unexpected answer from the server (${status}).`;
}

/** Calls the API and returns the envelope's data (and list meta); throws ApiError on any failure. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<Unwrapped<T>> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE_METHODS.has(method)) {
    const token = readCookie('csrftoken');
    if (token) headers['X-CSRFToken'] = token;
  }
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The server could not be reached.');
  }
  if (response.status === 204) return { data: undefined as T, meta: undefined };
  const envelope = await readEnvelope<T>(response);
  if (!response.ok && envelope?.data !== undefined && options.dataOnStatus?.includes(response.status)) {
    return { data: envelope.data, meta: envelope.meta };
  }
  if (!response.ok || !envelope || envelope.success === false) {
    const status = response.ok ? 500 : response.status;
    if (status === 401 || status === 403) notifyUnauthorized(status);
    const message = envelope?.message ?? fallbackMessage(response, envelope !== null);
    throw new ApiError(status, message, normaliseErrors(envelope?.errors));
  }
  return { data: envelope.data as T, meta: envelope.meta };
}
