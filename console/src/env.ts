/**
 * Where the console finds its Firebase project. A local stack serves /console-env.json (its emulators'
 * ports are chosen per run: devstack/src/firebase-emulators.ts writes it); a deployed console reads the
 * project's web configuration from Firebase Hosting's reserved /__/firebase/init.json.
 */
export interface ConsoleSettings {
  firebase: { apiKey: string; projectId: string; authDomain?: string; appId?: string };
  region: string;
  /** Set when the console is served by a local stack. */
  emulators: { authUrl: string; functions: { host: string; port: number } } | null;
}

interface LocalStackEnv {
  projectId: string;
  apiKey: string;
  region: string;
  authEmulatorUrl: string;
  functionsEmulator: { host: string; port: number };
}

const DEFAULT_REGION = "us-central1";

/** A JSON document, or null (absent: the SPA rewrite answers unknown paths with index.html). */
async function fetchJson(path: string): Promise<unknown> {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok || !(response.headers.get("content-type") ?? "").includes("json")) return null;
  return response.json();
}

export async function loadSettings(): Promise<ConsoleSettings> {
  const local = (await fetchJson("/console-env.json")) as LocalStackEnv | null;
  if (local) {
    return {
      firebase: { apiKey: local.apiKey, projectId: local.projectId },
      region: local.region,
      emulators: { authUrl: local.authEmulatorUrl, functions: local.functionsEmulator },
    };
  }
  const deployed = (await fetchJson("/__/firebase/init.json")) as ConsoleSettings["firebase"] | null;
  if (!deployed) throw new Error("No Firebase configuration: serve the console from Firebase Hosting or the local stack (npm start).");
  return { firebase: deployed, region: DEFAULT_REGION, emulators: null };
}
