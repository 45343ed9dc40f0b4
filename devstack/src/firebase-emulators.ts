/**
 * firebase-tools' pure-Node emulators (Auth, Functions, Cloud Tasks, Hosting), run from the project's own
 * firebase-tools with a generated config so ports can be chosen per run. Firestore and the RTDB are
 * not theirs to start here (their jars cannot be downloaded); the functions runtime reaches ours
 * through the emulator host variables it inherits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { collectOutput, httpOk, waitFor } from "./net.js";

export interface FirebaseEmulatorPorts {
  auth: number;
  functions: number;
  tasks: number;
  hub: number;
  logging: number;
  hosting: number;
}

export interface FirebaseEmulators {
  authHost: string;
  functionsHost: string;
  functionsBaseUrl: string;
  tasksHost: string;
  hubHost: string;
  /** http://host:port of the Hosting emulator serving the operations console. */
  hostingUrl: string;
  stop(): Promise<void>;
}

export interface StartFirebaseEmulatorsOptions {
  rootDir: string;
  projectId: string;
  host?: string;
  ports: FirebaseEmulatorPorts;
  /** Variables the functions runtime inherits (emulator hosts, Redis endpoint). */
  env: Record<string, string>;
  /** Values of the functions' params and secrets for this local project. */
  params: Record<string, string>;
  secrets: Record<string, string>;
  /** The built console (console/dist) the Hosting emulator serves, and its runtime settings for this stack. */
  hosting: { consoleDist: string; consoleEnv: ConsoleEnv };
  log?: (line: string) => void;
}

/**
 * /console-env.json: how the console served by a local stack reaches that stack's emulators (ports are
 * chosen per run). Deployed consoles have no such file and read /__/firebase/init.json instead.
 */
export interface ConsoleEnv {
  projectId: string;
  apiKey: string;
  region: string;
  authEmulatorUrl: string;
  functionsEmulator: { host: string; port: number };
}

/**
 * The Hosting emulator's public folder for one run: the built console, linked (a rebuild shows at the next
 * reload), next to this run's console-env.json, so two stacks never share the settings file.
 */
function writeHostingFolder(dir: string, consoleDist: string, env: ConsoleEnv) {
  mkdirSync(dir, { recursive: true });
  for (const entry of ["index.html", "assets"]) symlinkSync(join(consoleDist, entry), join(dir, entry));
  writeFileSync(join(dir, "console-env.json"), JSON.stringify(env, null, 2));
}

function writeEnvFile(path: string, values: Record<string, string>, header: string) {
  const lines = Object.entries(values).map(([k, v]) => `${k}=${v}`);
  writeFileSync(path, `# ${header}\n${lines.join("\n")}\n`);
}

export async function startFirebaseEmulators(options: StartFirebaseEmulatorsOptions): Promise<FirebaseEmulators> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? (() => {});
  // One directory per run: two stacks of one project (two test runs at once) must not share a config.
  const workDir = join(options.rootDir, ".devstack", options.projectId, `firebase-${process.pid}`);
  mkdirSync(workDir, { recursive: true });
  const functionsDir = join(options.rootDir, "functions");
  const endpoint = (port: number) => ({ host, port });
  const hostingDir = join(workDir, "hosting");
  writeHostingFolder(hostingDir, options.hosting.consoleDist, options.hosting.consoleEnv);
  writeFileSync(
    join(workDir, "firebase.json"),
    JSON.stringify(
      {
        functions: [{ source: relative(workDir, functionsDir), codebase: "default", runtime: "nodejs20" }],
        hosting: { public: "hosting", rewrites: [{ source: "**", destination: "/index.html" }] },
        emulators: {
          // Tests also use the Auth emulator under a second project id (see envFor).
          singleProjectMode: false,
          auth: endpoint(options.ports.auth),
          functions: endpoint(options.ports.functions),
          tasks: endpoint(options.ports.tasks),
          hub: endpoint(options.ports.hub),
          logging: endpoint(options.ports.logging),
          hosting: endpoint(options.ports.hosting),
          ui: { enabled: false },
        },
      },
      null,
      2,
    ),
  );
  // firebase-tools reads params from .env.<project> and secrets from .secret.local (both git-ignored).
  const envFile = join(functionsDir, `.env.${options.projectId}`);
  writeEnvFile(envFile, options.params, "written by the local stack (devstack); git-ignored");
  writeEnvFile(join(functionsDir, ".secret.local"), options.secrets, "local emulator secrets, written by devstack; git-ignored");

  const firebaseBin = join(options.rootDir, "node_modules", "firebase-tools", "lib", "bin", "firebase.js");
  const child: ChildProcess = spawn(
    process.execPath,
    [firebaseBin, "emulators:start", "--only", "auth,functions,tasks,hosting", "--project", options.projectId],
    {
      cwd: workDir,
      // Discovery loads every bundle once; firebase-tools gives it 10 s, which a loaded 2-core machine can exceed.
      env: { FUNCTIONS_DISCOVERY_TIMEOUT: "60", ...process.env, ...options.env, FORCE_COLOR: "0", CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group: stop() can end firebase-tools together with its function workers.
      detached: true,
    },
  );
  // How many functions discovery found: the stack is ready only when every one of them is listed.
  let definedFunctions: number | null = null;
  const recent = collectOutput(child, (line) => {
    const defined = /Loaded functions definitions from source: (.+?)\.?$/.exec(line);
    if (defined) definedFunctions = (defined[1] as string).split(",").length;
    log(line);
  });
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const killOnExit = () => killGroup("SIGKILL");
  process.on("exit", killOnExit);

  const functionsBaseUrl = `http://${host}:${options.ports.functions}`;
  try {
    await waitFor(
      "firebase-tools emulators (auth, functions, tasks, hosting)",
      async () => {
        if (exited) throw new Error(`firebase-tools exited early:\n${recent.join("\n")}`);
        if (!(await httpOk(`http://${host}:${options.ports.auth}/`))) return false;
        if (!(await httpOk(`http://${host}:${options.ports.hosting}/console-env.json`))) return false;
        const response = await fetch(`${functionsBaseUrl}/backends`);
        if (!response.ok) return false;
        const { backends } = (await response.json()) as { backends: { functionTriggers: unknown[] }[] };
        // Functions are initialised one after another: trigger registrations read from a partial listing
        // would miss the rest, so wait for all of them.
        const listed = backends.reduce((sum, b) => sum + b.functionTriggers.length, 0);
        return definedFunctions !== null && listed >= definedFunctions;
      },
      120_000,
      300,
    );
  } catch (err) {
    killGroup("SIGKILL");
    throw new Error(`${(err as Error).message}\nlast output of firebase-tools:\n${recent.slice(-25).join("\n")}`);
  }

  return {
    authHost: `${host}:${options.ports.auth}`,
    functionsHost: `${host}:${options.ports.functions}`,
    functionsBaseUrl,
    tasksHost: `${host}:${options.ports.tasks}`,
    hubHost: `${host}:${options.ports.hub}`,
    hostingUrl: `http://${host}:${options.ports.hosting}`,
    async stop() {
      process.off("exit", killOnExit);
      if (exited) return;
      killGroup("SIGINT");
      const timer = setTimeout(() => killGroup("SIGKILL"), 8000);
      await exitPromise;
      clearTimeout(timer);
      killGroup("SIGKILL"); // function workers left behind by a slow shutdown
      rmSync(workDir, { recursive: true, force: true });
      rmSync(envFile, { force: true });
    },
  };
}
