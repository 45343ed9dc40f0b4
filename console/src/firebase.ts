/** The Firebase JS SDK, set up once from the console's settings (emulators when served by a local stack). */
import { type FirebaseApp, initializeApp } from "firebase/app";
import { type Auth, connectAuthEmulator, getAuth } from "firebase/auth";
import { connectFunctionsEmulator, type Functions, getFunctions } from "firebase/functions";
import type { ConsoleSettings } from "./env";

export interface FirebaseHandles {
  app: FirebaseApp;
  auth: Auth;
  functions: Functions;
}

export function connectFirebase(settings: ConsoleSettings): FirebaseHandles {
  const app = initializeApp(settings.firebase);
  const auth = getAuth(app);
  const functions = getFunctions(app, settings.region);
  if (settings.emulators) {
    connectAuthEmulator(auth, settings.emulators.authUrl, { disableWarnings: true });
    connectFunctionsEmulator(functions, settings.emulators.functions.host, settings.emulators.functions.port);
  }
  return { app, auth, functions };
}
