import type { ListMeta } from '../api/types';
import { formatCount } from '../lib/format';
import { PAGE_SIZES } from '../lib/taskQuery';

interface PaginationProps {
  meta: ListMeta;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
}

/** Previous/next page buttons, the count (marked when estimated) and the page size. */
export function Pagination({ meta, onPage, onPageSize }: PaginationProps) {
  const first = meta.count === 0 ? 0 : (meta.page - 1) * meta.pageSize + 1;
  const last = Math.min(meta.count, meta.page * meta.pageSize);
  const pages = Math.max(1, Math.ceil(meta.count / meta.pageSize));
  return (
    <nav className="pagination" aria-label="Pages">
      <button type="button" className="button small" disabled={!meta.hasPrevious} onClick={() => onPage(meta.page - 1)}>
        ← Previous
      </button>
      <span className="page-info">
        {formatCount(first)}–{formatCount(last)} of {meta.countIsEstimate ? 'about ' : ''}
        {formatCount(meta.count)} · page {meta.page} of {meta.countIsEstimate ? '~' : ''}
        {pages}
      </span>
      <button type="button" className="button small" disabled={!meta.hasNext} onClick={() => onPage(meta.page + 1)}>
        Next →
      </button>
      <label className="inline-field">
        <span>Per page</span>
        <select value={meta.pageSize} onChange={(event) => onPageSize(Number(event.target.value))}>
          {(PAGE_SIZES as readonly number[]).includes(meta.pageSize) ? null : <option value={meta.pageSize}>{meta.pageSize}</option>}
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
    </nav>
  );
}
