import { lazyModule } from '../../../core/modules/lazy-module.js';
import {
  basename,
  isRecord,
  type DirectDependency,
  type EcosystemReader,
  type LockedPackage,
} from './types.js';

const fastXml = lazyModule<typeof import('fast-xml-parser')>('fast-xml-parser');
let parser: InstanceType<ReturnType<typeof fastXml>['XMLParser']> | undefined;
const xml = () =>
  (parser ??= new (fastXml().XMLParser)({
    ignoreAttributes: true,
    processEntities: false,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => name === 'dependency',
  }));

const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;

/** Maven: a plain version is one version; ranges (`[1,2)`), LATEST/RELEASE and no version are not. */
export function mavenPin(version: string | null): DirectDependency['pin'] {
  if (version === null || version === '') return 'unpinned';
  if (/[[\](),]/.test(version) || /^(LATEST|RELEASE)$/i.test(version)) return 'unpinned';
  if (/[+*]|latest\./.test(version)) return 'unpinned'; // Gradle dynamic versions
  return 'pinned';
}

function pom(text: string): DirectDependency[] {
  const doc: unknown = xml().parse(text);
  const project = isRecord(doc) && isRecord(doc.project) ? doc.project : null;
  if (!project) return [];
  const props = new Map<string, string>();
  if (isRecord(project.properties))
    for (const [k, v] of Object.entries(project.properties))
      if (str(v) !== null) props.set(k, str(v)!);
  const projectVersion = str(project.version);
  if (projectVersion) props.set('project.version', projectVersion);
  const resolve = (v: string | null) =>
    v?.replace(/\$\{([^}]+)\}/g, (all, key: string) => props.get(key) ?? all) ?? null;
  const deps = (holder: unknown): Record<string, unknown>[] =>
    isRecord(holder) && Array.isArray(holder.dependency)
      ? (holder.dependency as unknown[]).filter(isRecord)
      : [];
  const managed = new Map<string, string | null>();
  const management = isRecord(project.dependencyManagement)
    ? project.dependencyManagement.dependencies
    : null;
  for (const d of deps(management))
    managed.set(`${str(d.groupId)}:${str(d.artifactId)}`, resolve(str(d.version)));
  const out: DirectDependency[] = [];
  for (const d of deps(project.dependencies)) {
    const name = `${str(d.groupId)}:${str(d.artifactId)}`;
    const version = resolve(str(d.version)) ?? managed.get(name) ?? null;
    // A version from a property this file does not define (a parent's) is not judged.
    const unresolved = version !== null && version.includes('${');
    out.push({ name, spec: version, pin: unresolved ? 'pinned' : mavenPin(version) });
  }
  return out;
}

const CONFIGURATIONS =
  'implementation|api|compileOnly|runtimeOnly|testImplementation|testRuntimeOnly|testCompileOnly|annotationProcessor|kapt|ksp|compile|testCompile|runtime|developmentOnly|debugImplementation|releaseImplementation|androidTestImplementation|testFixturesImplementation';
const STRING_NOTATION = new RegExp(
  `\\b(?:${CONFIGURATIONS})\\s*\\(?\\s*(?:(?:platform|enforcedPlatform)\\s*\\(\\s*)?["']([^"'\\s]+)["']`,
  'g',
);
const MAP_NOTATION = new RegExp(
  `\\b(?:${CONFIGURATIONS})\\s*\\(?\\s*group\\s*[:=]\\s*["']([^"']+)["']\\s*,\\s*name\\s*[:=]\\s*["']([^"']+)["'](?:\\s*,\\s*version\\s*[:=]\\s*["']([^"']+)["'])?`,
  'g',
);

/**
 * Dependency declarations of build.gradle and build.gradle.kts. Gradle builds are Groovy or
 * Kotlin programs (no parser for them on npm): this reads the two declaration forms builds
 * use, `conf 'g:a:v'` / `conf("g:a:v")` and `conf group: 'g', name: 'a', version: 'v'`,
 * after removing comments. `project(':x')` dependencies are the build's own modules.
 */
export function gradleDependencies(text: string): DirectDependency[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const out: DirectDependency[] = [];
  for (const m of code.matchAll(STRING_NOTATION)) {
    const [group, artifact, version] = m[1].split(':');
    if (!group || !artifact) continue;
    const v = version ?? null;
    out.push({
      name: `${group}:${artifact}`,
      spec: v,
      pin: v?.includes('$') ? 'pinned' : mavenPin(v),
    });
  }
  for (const m of code.matchAll(MAP_NOTATION)) {
    const v = m[3] ?? null;
    out.push({ name: `${m[1]}:${m[2]}`, spec: v, pin: v?.includes('$') ? 'pinned' : mavenPin(v) });
  }
  return out;
}

export const mavenReader: EcosystemReader = {
  ecosystem: 'maven',
  isManifest: (p) => ['pom.xml', 'build.gradle', 'build.gradle.kts'].includes(basename(p)),
  isLockfile: (p) => basename(p) === 'gradle.lockfile',
  readManifest: (text, path) =>
    basename(path) === 'pom.xml' ? pom(text) : gradleDependencies(text),
  readLockfile(text): LockedPackage[] {
    // gradle.lockfile: `group:artifact:version=configurations`.
    const out: LockedPackage[] = [];
    for (const line of text.split(/\r?\n/)) {
      const m = /^([^#=\s:]+):([^=\s:]+):([^=\s:]+)=/.exec(line.trim());
      if (m) out.push({ name: `${m[1]}:${m[2]}`, version: m[3] });
    }
    return out;
  },
};
