import { Link } from 'react-router';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives here. Go to the <Link to="/">overview</Link>.
      </p>
    </div>
  );
}
