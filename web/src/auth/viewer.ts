import { useQuery } from 'urql';
import { operation } from '../graphql/operations';

/** Role names as the API spells them. */
export type Role = 'OWNER' | 'ADMIN' | 'MEMBER' | 'VIEWER';

/** Who the API takes the caller to be, in the active organization. */
export interface Viewer {
  kind: string;
  role: Role | null;
  scopes: string[];
  user: { id: string; displayName: string } | null;
  organization: { id: string; slug: string; name: string } | null;
}

export const VIEWER = operation<{ viewer: Viewer }>(`
  query Viewer {
    viewer {
      kind
      role
      scopes
      user { id displayName }
      organization { id slug name }
    }
  }
`);

/** The viewer; null while loading or when the API cannot say. */
export function useViewer(): Viewer | null {
  const [result] = useQuery({ query: VIEWER });
  return result.data?.viewer ?? null;
}

/** Whether held scopes allow `required` (mirrors kit's scopeAllows: `admin` implies all but owner). */
export function scopeAllows(held: readonly string[], required: string): boolean {
  if (held.includes('*') || held.includes(required)) return true;
  return required !== 'owner' && required !== 'system' && held.includes('admin');
}

/** Whether the viewer may use `scope` in the active organization. */
export function viewerCan(viewer: Viewer | null, scope: string): boolean {
  return viewer !== null && scopeAllows(viewer.scopes, scope);
}
