import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, ok } from '../test/mockFetch';
import { onUnauthorized } from './authEvents';
import { ApiError, request } from './client';

afterEach(() => {
  document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
});

describe('request', () => {
  it('returns the envelope data and meta', async () => {
    mockFetch({ 'GET /api/tasks/': ok([{ id: 'x' }], { page: 1 }) });
    const result = await request<{ id: string }[]>('/tasks/', { query: { status: 'failed', page: undefined } });
    expect(result.data).toEqual([{ id: 'x' }]);
    expect(result.meta).toEqual({ page: 1 });
  });

  it('sends the query string and same-origin credentials', async () => {
    const { fetchMock } = mockFetch({ 'GET /api/tasks/': ok([]) });
    await request('/tasks/', { query: { status: 'failed', search: '' } });
    expect(fetchMock).toHaveBeenCalledWith('/api/tasks/?status=failed', expect.objectContaining({ credentials: 'same-origin' }));
  });

  it('sends X-CSRFToken from the csrftoken cookie on unsafe requests only', async () => {
    document.cookie = 'csrftoken=abc123';
    const { calls } = mockFetch({ 'POST /api/tasks/': { status: 201, body: { success: true, data: {} } }, 'GET /api/tasks/': ok([]) });
    await request('/tasks/', { method: 'POST', body: { task_name: 'x' } });
    await request('/tasks/');
    expect(calls[0].headers['X-CSRFToken']).toBe('abc123');
    expect(calls[0].body).toEqual({ task_name: 'x' });
    expect(calls[1].headers['X-CSRFToken']).toBeUndefined();
  });

  it('throws an ApiError with status, message and field errors', async () => {
    mockFetch({
      'POST /api/tasks/': {
        status: 400,
        body: { success: false, message: 'Invalid input.', errors: { task_name: ['Unknown task function.'] } },
      },
    });
    const error = await request('/tasks/', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, message: 'Invalid input.', fieldErrors: { task_name: ['Unknown task function.'] } });
  });

  it('tells the app about 401 and 403 answers', async () => {
    mockFetch({ 'GET /api/stats/': { status: 403, body: { success: false, message: 'Forbidden.', errors: {} } } });
    const listener = vi.fn();
    const stop = onUnauthorized(listener);
    await expect(request('/stats/')).rejects.toMatchObject({ status: 403, isAuthError: true });
    stop();
    expect(listener).toHaveBeenCalledWith(403);
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(request('/health/')).rejects.toMatchObject({ status: 0 });
  });

  it('reports a non-JSON answer as an error', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('<html>', { status: 502, statusText: 'Bad Gateway' })));
    await expect(request('/health/')).rejects.toMatchObject({ status: 502, message: expect.stringContaining('502') });
  });
});
