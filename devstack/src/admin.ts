/** An Admin SDK app pointed at a local stack (tooling and tests; never the deployed functions). */
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { envFor, type StackEndpoints } from "./stack.js";

let counter = 0;

/**
 * The Admin SDK finds emulators through process variables, some read per request (Auth), so they are
 * set while the app is open; close() deletes the app and puts back what this process had before.
 */
export function adminAppFor(endpoints: StackEndpoints): { app: App; close(): Promise<void> } {
  const env = envFor(endpoints);
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  const app = initializeApp(
    { projectId: endpoints.projectId, databaseURL: `http://${endpoints.database}?ns=${endpoints.databaseNamespace}` },
    `devstack-${++counter}`,
  );
  return {
    app,
    async close() {
      await deleteApp(app);
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}
