/**
 * System dependencies npm cannot install (Java, the Firestore emulator jar, redis-server): found
 * automatically, installed with apt when we are root on Debian, otherwise a clear message says what to do.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

export class MissingDependencyError extends Error {
  override name = "MissingDependencyError";
}

export function which(command: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

function canUseApt(): boolean {
  return process.platform === "linux" && process.getuid?.() === 0 && existsSync("/etc/debian_version") && !!which("apt-get");
}

let aptUpdated = false;

function aptCandidateExists(pkg: string): boolean {
  const out = spawnSync("apt-cache", ["policy", pkg], { encoding: "utf8" }).stdout ?? "";
  return /Candidate: (?!\(none\))/.test(out);
}

/** Installs Debian packages; returns false when apt cannot be used here or does not know the package. */
export function aptInstall(packages: string[], log: (line: string) => void): boolean {
  if (!canUseApt()) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated || !packages.every(aptCandidateExists)) {
    log(`apt-get update (to install ${packages.join(", ")})`);
    spawnSync("apt-get", ["update", "-qq"], { stdio: "ignore", env });
    aptUpdated = true;
  }
  if (!packages.every(aptCandidateExists)) return false;
  log(`apt-get install ${packages.join(" ")}`);
  const result = spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], {
    stdio: ["ignore", "ignore", "inherit"],
    env,
  });
  return result.status === 0;
}

export interface JavaRuntime {
  bin: string;
  major: number;
}

export function javaMajorVersion(bin: string): number | null {
  const out = spawnSync(bin, ["-version"], { encoding: "utf8" });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr ?? ""}${out.stdout ?? ""}`);
  if (!match) return null;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first; // "1.8" means Java 8
}

function javaCandidates(): string[] {
  const candidates: string[] = [];
  if (process.env.JAVA_HOME) candidates.push(join(process.env.JAVA_HOME, "bin", "java"));
  const onPath = which("java");
  if (onPath) candidates.push(onPath);
  const jvmDir = "/usr/lib/jvm";
  if (existsSync(jvmDir)) {
    for (const entry of readdirSync(jvmDir)) candidates.push(join(jvmDir, entry, "bin", "java"));
  }
  return candidates.filter((c, i) => existsSync(c) && candidates.indexOf(c) === i);
}

/** The first Java runtime at least `minMajor` (JAVA_HOME first, then PATH, then /usr/lib/jvm). */
export function findJava(minMajor = 11): JavaRuntime | null {
  for (const bin of javaCandidates()) {
    const major = javaMajorVersion(bin);
    if (major !== null && major >= minMajor) return { bin, major };
  }
  return null;
}

export function ensureJava(log: (line: string) => void): JavaRuntime {
  const found = findJava(11);
  if (found) return found;
  if (aptInstall(["openjdk-17-jre-headless"], log)) {
    const installed = findJava(11);
    if (installed) return installed;
  }
  throw new MissingDependencyError(
    "Java 11 or newer is required by the Firestore emulator. Install a JRE (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME.",
  );
}

const WELL_KNOWN_SDK_ROOTS = ["/usr/lib/google-cloud-sdk", "/usr/share/google-cloud-sdk", "/opt/google-cloud-sdk"];

/** Asks gcloud where its SDK lives; slow (about a second), so only used when the usual places miss. */
function gcloudSdkRoot(): string | null {
  if (!which("gcloud")) return null;
  try {
    const root = execFileSync("gcloud", ["info", "--format=value(installation.sdk_root)"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 15_000,
    }).trim();
    return root || null;
  } catch {
    return null;
  }
}

function newestMatching(dir: string, pattern: RegExp): string | null {
  if (!existsSync(dir)) return null;
  const matches = readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const newest = matches.at(-1);
  return newest ? join(dir, newest) : null;
}

/** Google's official Firestore emulator: env override, the Cloud SDK component, or firebase-tools' cache. */
export function findFirestoreJar(): string | null {
  const fromEnv = process.env.FIRESTORE_EMULATOR_JAR;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const firestoreJarIn = (root: string) => join(root, "platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar");
  const roots = [process.env.CLOUDSDK_ROOT_DIR, ...WELL_KNOWN_SDK_ROOTS].filter((r): r is string => !!r);
  const inKnownRoot = roots.map(firestoreJarIn).find((jar) => existsSync(jar));
  if (inKnownRoot) return inKnownRoot;
  const gcloudRoot = gcloudSdkRoot();
  if (gcloudRoot && existsSync(firestoreJarIn(gcloudRoot))) return firestoreJarIn(gcloudRoot);
  return newestMatching(join(homedir(), ".cache", "firebase", "emulators"), /^cloud-firestore-emulator-v.*\.jar$/);
}

export function ensureFirestoreJar(log: (line: string) => void): string {
  const found = findFirestoreJar();
  if (found) return found;
  if (aptInstall(["google-cloud-cli-firestore-emulator"], log)) {
    const installed = findFirestoreJar();
    if (installed) return installed;
  }
  throw new MissingDependencyError(
    "Google's Firestore emulator jar was not found. Install the Cloud SDK component (Debian: apt-get install google-cloud-cli-firestore-emulator, " +
      "or gcloud components install cloud-firestore-emulator), or set FIRESTORE_EMULATOR_JAR to the jar's path.",
  );
}

export function ensureRedisServer(find: () => string | null, log: (line: string) => void): string {
  const found = find();
  if (found) return found;
  if (aptInstall(["redis-server"], log)) {
    const installed = find();
    if (installed) return installed;
  }
  throw new MissingDependencyError(
    "redis-server was not found. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_SERVER_BIN.",
  );
}

/** Chromium for the console's browser tests: CHROMIUM_BIN, then chromium or chromium-browser on PATH. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_BIN;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return which("chromium") ?? which("chromium-browser");
}

export function ensureChromium(log: (line: string) => void): string {
  const found = findChromium();
  if (found) return found;
  if (aptInstall(["chromium"], log)) {
    const installed = findChromium();
    if (installed) return installed;
  }
  throw new MissingDependencyError(
    "Chromium was not found for the console's browser tests. Install it (Debian: apt-get install chromium; macOS: brew install --cask chromium) or set CHROMIUM_BIN to its executable.",
  );
}
