/**
 * The integration suites on labs of their own run beside the shared lab's suites (vitest.config.ts,
 * scripts/test-all.sh). That is only safe while none of them, nor a helper they import, reaches for
 * the shared lab: its state (lab(), adminKube(), runTool(), testNamespace(), ensureVelero() in
 * test/integration/lab.ts, or readLabState() with no folder) belongs to the other project.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OWN_LAB_SUITES } from '../../vitest.config.js';
import { repoRoot } from './state.js';

const integrationDir = join(repoRoot, 'test', 'integration');
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
});
