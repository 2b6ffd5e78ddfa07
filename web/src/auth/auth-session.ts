import { operation } from '../graphql/operations';
import type { StoredSession } from './session';

/** The fields of an AuthSession the browser keeps; every sign-in mutation selects them. */
export const AUTH_SESSION_FIELDS = `
  accessToken
  accessTokenExpiresAt
  refreshToken
  user { id email displayName }
  organization { id slug name }
`;

/** An AuthSession as the API answers it. */
export interface AuthSessionAnswer {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  user: { id: string; email: string; displayName: string };
  organization: { id: string; slug: string; name: string } | null;
}

/** What the browser stores for a fresh AuthSession; keeps the active organization when there is one. */
export function sessionFrom(answer: AuthSessionAnswer, activeOrgId?: string | null): StoredSession {
  return {
    accessToken: answer.accessToken,
    accessTokenExpiresAt: answer.accessTokenExpiresAt,
    refreshToken: answer.refreshToken,
    user: answer.user,
    activeOrgId: activeOrgId ?? answer.organization?.id ?? null,
  };
}

export const SIGN_UP = operation<
  { signUp: AuthSessionAnswer },
  {
    input: {
      email: string;
      password: string;
      displayName: string;
      setupToken?: string;
      invitationToken?: string;
    };
  }
>(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) { ${AUTH_SESSION_FIELDS} }
  }
`);

export const LOG_IN = operation<{ logIn: AuthSessionAnswer }, { email: string; password: string }>(`
  mutation LogIn($email: String!, $password: String!) {
    logIn(email: $email, password: $password) { ${AUTH_SESSION_FIELDS} }
  }
`);

/** Plain-text documents for the calls made outside urql (see refresh.ts). */
export const REFRESH_SESSION_SOURCE = `
  mutation RefreshSession($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) { ${AUTH_SESSION_FIELDS} }
  }
`;

export const LOG_OUT_SOURCE = `
  mutation LogOut($refreshToken: String!) {
    logOut(refreshToken: $refreshToken)
  }
`;
