/**
 * The signed-in staff member: Firebase Auth (e-mail and password), the roles claim read from the ID token,
 * and a typed `call` to the callables. Accounts without a staff role are signed out again at once.
 */
import { type CallableInput, type CallableName, type CallableOutput, callFunction, type StaffRole } from "@live-platform/client";
import { onIdTokenChanged, signInWithEmailAndPassword, signOut, type User } from "firebase/auth";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { staffRoles } from "./access";
import type { FirebaseHandles } from "./firebase";

export interface StaffSession {
  user: User;
  roles: StaffRole[];
}

interface SessionState {
  firebase: FirebaseHandles;
  session: StaffSession | null;
  /** False until Auth has said whether a session was restored. */
  ready: boolean;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

export class NotStaffError extends Error {
  constructor() {
    super("This account is not operations staff: the console is for support, finance, moderators and admins.");
  }
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ firebase, children }: { firebase: FirebaseHandles; children: ReactNode }) {
  const [session, setSession] = useState<StaffSession | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(
    () =>
      onIdTokenChanged(firebase.auth, async (user) => {
        if (!user) {
          setSession(null);
        } else {
          const roles = staffRoles((await user.getIdTokenResult()).claims.roles);
          setSession(roles.length > 0 ? { user, roles } : null);
        }
        setReady(true);
      }),
    [firebase.auth],
  );

  const signIn = useCallback(
    async (email: string, password: string) => {
      const credential = await signInWithEmailAndPassword(firebase.auth, email, password);
      const roles = staffRoles((await credential.user.getIdTokenResult()).claims.roles);
      if (roles.length === 0) {
        await signOut(firebase.auth);
        throw new NotStaffError();
      }
    },
    [firebase.auth],
  );

  const value = useMemo<SessionState>(
    () => ({ firebase, session, ready, signIn, signOut: () => signOut(firebase.auth) }),
    [firebase, session, ready, signIn],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error("useSession outside SessionProvider");
  return state;
}

/** The typed callable client of the signed-in session. */
export function useCall() {
  const { firebase } = useSession();
  return useCallback(
    <N extends CallableName>(name: N, input: CallableInput<N>): Promise<CallableOutput<N>> => callFunction(firebase.functions, name, input),
    [firebase.functions],
  );
}
