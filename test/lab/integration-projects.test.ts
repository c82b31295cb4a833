/**
 * The integration suites on labs of their own (lane 2) run beside the shared lab's suites and the
 * e2e specs (lane 1; vitest.config.ts, scripts/test-all.sh). That is only safe while the lanes share
 * no lab: no lane-2 suite, nor a helper it imports, reaches for the shared lab (lab(), adminKube(),
 * runTool(), testNamespace(), ensureVelero() in test/integration/lab.ts, or readLabState() with no
 * folder), and no lab folder or port block is named in both lanes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OWN_LAB_SUITES } from '../../vitest.config.js';
import { SHARED_LAB_PORT_BASE } from './lab.js';
import { repoRoot } from './state.js';

const integrationDir = join(repoRoot, 'test', 'integration');
const e2eDir = join(repoRoot, 'test', 'e2e');
/** What the own-lab suites may take from test/integration/lab.ts: helpers that hold no lab. */
const LAB_TS_ALLOWED = new Set(['waitUntil', 'ToolResult', 'type ToolResult']);

/** A file and every module of test/integration/ it imports, transitively. */
function withLocalImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(join(integrationDir, file), 'utf8').matchAll(/from '\.\/([\w-]+)(?:\.js)?'/g)) withLocalImports(`${m[1]}.ts`, seen);
  return seen;
}

function sharedLabUses(source: string): string[] {
  const uses: string[] = [];
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from '\.\/lab(?:\.js)?'/g))
    for (const name of m[1]!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      if (!LAB_TS_ALLOWED.has(name)) uses.push(`imports ${name} from ./lab.js`);
  if (/readLabState\(\s*\)/.test(source)) uses.push('calls readLabState() without a folder');
  return uses;
}

/** The lab folders ('.lab-restore') and port bases (`portBase: 29000`, `PORT_BASE ?? 16000`) a source names. */
function labsNamed(source: string): { dirs: string[]; bases: number[] } {
  const dirs = [...source.matchAll(/['`]\.lab(-[\w-]+)?['`]/g)].map((m) => `.lab${m[1] ?? ''}`);
  const bases = [...source.matchAll(/(?:portBase:\s*|PORT_BASE\s*\?\?\s*)(\d{4,5})\b/g)].map((m) => Number(m[1]));
  return { dirs, bases };
}

function labsOfFiles(files: string[]): { dirs: Map<string, string>; bases: Map<number, string> } {
  const dirs = new Map<string, string>();
  const bases = new Map<number, string>();
  for (const f of files) {
    const named = labsNamed(readFileSync(f, 'utf8'));
    const where = relative(repoRoot, f);
    for (const d of named.dirs) dirs.set(d, where);
    for (const b of named.bases) bases.set(b, where);
  }
  return { dirs, bases };
}

/** Labs that run at the same time need port bases at least 1000 apart (test/lab/lab.ts ports()). */
function clashes(a: ReturnType<typeof labsOfFiles>, b: ReturnType<typeof labsOfFiles>): string[] {
  const found: string[] = [];
  for (const [d, f] of a.dirs) if (b.dirs.has(d)) found.push(`${d}: ${f} and ${b.dirs.get(d)}`);
  for (const [x, f] of a.bases) for (const [y, g] of b.bases) if (Math.abs(x - y) < 1000) found.push(`port bases ${x} (${f}) and ${y} (${g})`);
  return found;
}

describe('integration projects', () => {
  it('every own-lab suite exists and is an integration test file', () => {
    const files = readdirSync(integrationDir).filter((f) => f.endsWith('.test.ts'));
    for (const s of OWN_LAB_SUITES) expect(files).toContain(s.replace('test/integration/', ''));
  });

  it.each(OWN_LAB_SUITES)('%s and its helpers never reach for the shared lab', (suite) => {
    const found: string[] = [];
    for (const f of withLocalImports(suite.replace('test/integration/', ''))) {
      if (f === 'lab.ts') continue;
      for (const u of sharedLabUses(readFileSync(join(integrationDir, f), 'utf8'))) found.push(`${f} ${u}`);
    }
    expect(found).toEqual([]);
  });

  it('the check sees a suite that takes the shared lab', () => {
    expect(sharedLabUses("import { adminKube, waitUntil } from './lab.js';")).toEqual(['imports adminKube from ./lab.js']);
    expect(sharedLabUses('const l = readLabState();')).toEqual(['calls readLabState() without a folder']);
    expect(sharedLabUses("import { waitUntil, type ToolResult } from './lab.js';")).toEqual([]);
  });

  it('the two lanes share no lab folder and no port block', () => {
    const own = new Set(OWN_LAB_SUITES.map((s) => s.replace('test/integration/', '')));
    const lane2 = new Set<string>();
    for (const s of own) for (const f of withLocalImports(s)) lane2.add(f);
    const lane1 = new Set<string>();
    for (const f of readdirSync(integrationDir).filter((f) => f.endsWith('.test.ts') && !own.has(f))) for (const g of withLocalImports(f)) lane1.add(g);
    const lane1Files = [...lane1]
      .map((f) => join(integrationDir, f))
      .concat(
        readdirSync(e2eDir)
          .filter((f) => f.endsWith('.ts'))
          .map((f) => join(e2eDir, f)),
      );
    const a = labsOfFiles(lane1Files);
    // The shared lab is lane 1's without being named: startLab's defaults.
    a.bases.set(SHARED_LAB_PORT_BASE, 'the shared lab');
    a.dirs.set('.lab', 'the shared lab');
    const b = labsOfFiles([...lane2].map((f) => join(integrationDir, f)));
    // Each lane-2 suite names its lab; an empty set would mean the check reads nothing.
    expect(b.dirs.size).toBeGreaterThanOrEqual(OWN_LAB_SUITES.length - 2);
    expect(clashes(a, b)).toEqual([]);
  });

  it('the lane check sees a shared folder and ports too close', () => {
    const one = { dirs: new Map([['.lab-restore', 'x.spec.ts']]), bases: new Map([[29000, 'x.spec.ts']]) };
    const two = { dirs: new Map([['.lab-restore', 'y.test.ts']]), bases: new Map([[29500, 'y.test.ts']]) };
    expect(clashes(one, two)).toEqual(['.lab-restore: x.spec.ts and y.test.ts', 'port bases 29000 (x.spec.ts) and 29500 (y.test.ts)']);
    expect(labsNamed("const d = join(repoRoot, '.lab-setup'); startLab({ dir: d, portBase: 27000 }); Number(process.env.X_PORT_BASE ?? 16000)")).toEqual({
      dirs: ['.lab-setup'],
      bases: [27000, 16000],
    });
  });
});
