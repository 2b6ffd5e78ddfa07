import { useState } from 'react';
import { navigate, ShellLink } from '../shell/navigation';
import { logOut } from './refresh';
import type { StoredSession } from './session';

/** Header corner: who is signed in and a Sign out button, or links to sign in and sign up. */
export function UserMenu({ session }: { session: StoredSession | null }) {
  const [signingOut, setSigningOut] = useState(false);

  if (!session) {
    return (
      <span className="user-menu">
        <ShellLink to="/login">Sign in</ShellLink> <ShellLink to="/signup">Sign up</ShellLink>
      </span>
    );
  }

  async function signOut() {
    setSigningOut(true);
    try {
      await logOut();
    } finally {
      setSigningOut(false);
      navigate('/login');
    }
  }

  return (
    <span className="user-menu">
      <span className="user-name" title={session.user.email}>
        {session.user.displayName}
      </span>{' '}
      <button type="button" onClick={() => void signOut()} disabled={signingOut}>
        Sign out
      </button>
    </span>
  );
}
