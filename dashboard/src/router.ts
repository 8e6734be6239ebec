/** Hash routes (`#/incidents/abc`): the hub serves one index.html, so no server routing is needed. */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  page: string;
  id: string | null;
}

export function parseHash(hash: string): Route {
  const [page = '', id] = hash.replace(/^#\/?/, '').split('/');
  return { page, id: id ? decodeURIComponent(id) : null };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function navigate(page: string, id?: string): void {
  location.hash = id ? `#/${page}/${encodeURIComponent(id)}` : `#/${page}`;
}
