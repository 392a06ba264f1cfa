/** A fetch stub that answers by method and path, and records every call. */
import { vi } from 'vitest';

export interface RecordedCall {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

type Answer = { status?: number; body: unknown } | ((call: RecordedCall) => { status?: number; body: unknown });

export function mockFetch(routes: Record<string, Answer>) {
  const calls: RecordedCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(Object.entries((init?.headers as Record<string, string> | undefined) ?? {}));
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const call = { method, url, headers, body };
    calls.push(call);
    const answer = routes[`${method} ${url.pathname}`];
    if (!answer) {
      return new Response(JSON.stringify({ success: false, message: 'Not found.', errors: {} }), { status: 404 });
    }
    const { status = 200, body: responseBody } = typeof answer === 'function' ? answer(call) : answer;
    return new Response(JSON.stringify(responseBody), { status, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

export function ok<T>(data: T, meta?: unknown) {
  return { status: 200, body: meta === undefined ? { success: true, data } : { success: true, data, meta } };
}
