import { useEffect } from 'react';

/** Sets the tab title to "<page> · Task queue". */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Task queue`;
  }, [title]);
}
