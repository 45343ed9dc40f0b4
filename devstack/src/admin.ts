/** An Admin SDK app pointed at a local stack (tooling and tests; never the deployed functions). */
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { envFor, type StackEndpoints } from "./stack.js";

let counter = 0;

/** Sets the emulator variables in this process (the Admin SDK reads them) and returns a fresh app. */
export function adminAppFor(endpoints: StackEndpoints): { app: App; close(): Promise<void> } {
  Object.assign(process.env, envFor(endpoints));
  const app = initializeApp(
    { projectId: endpoints.projectId, databaseURL: `http://${endpoints.database}?ns=${endpoints.databaseNamespace}` },
    `devstack-${++counter}`,
  );
  return { app, close: () => deleteApp(app) };
}
