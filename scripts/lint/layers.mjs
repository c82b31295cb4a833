/**
 * ESLint rule `lifeboat/layers`: the walls between Lifeboat's layers. Every import (static,
 * `export … from`, dynamic `import()`, `require()`, `import('…')` types) is resolved against the
 * importing file, so `../../workflows/x.js` is judged by where it lands, not by how it is spelled.
 *
 * The walls (paths from the repository root, without extension):
 * - renderer/ imports from electron/ only the pure shapes the window shares with the main process:
 *   electron/api/** (the contract, its errors and helpers) and electron/transport/protocol.
 * - those shared files import nothing of electron/ beyond themselves, and no node:* built-in, so
 *   what the renderer may import stays pure (the wall holds transitively).
 * - electron/ never imports renderer/.
 * - the `electron` module only where Electron itself is needed (option `electronModule`; an entry
 *   ending in `/` allows a whole folder).
 * - electron/desktop/ (native dialogs, notifications: Electron only) is imported only by
 *   electron/main and its own files, so web mode never loads it.
 * - the domain folders (cluster, velero, kots, registry, tools, environment, storage) never import
 *   electron/workflows/ or electron/transport/, nor the app's wiring (app, main, preload, web).
 * - electron/workflows/<area> reaches another area only through its door: `<other>/handlers`
 *   (what app.ts wires) and the shared `workflows/services`; a type-only import of
 *   `<other>/service` (the class the door returns) is allowed too.
 *
 * Options: { electronModule: string[] (files allowed to import 'electron'), workflowDoors: boolean
 *            (default true; false for tests, which may share another area's fixtures),
 *            knownViolations: [{ from, to, why }] (each a current violation kept on purpose, with
 *            its reason; `to` is the resolved target path without extension) }.
 */
import { dirname, join, relative, sep } from 'node:path';

const SHARED = [/^electron\/api\//, /^electron\/transport\/protocol$/];
const DOMAINS = ['cluster', 'velero', 'kots', 'registry', 'tools', 'environment', 'storage'];
const WIRING = ['electron/app', 'electron/main', 'electron/preload', 'electron/web'];
const DESKTOP = 'electron/desktop/';

const isShared = (p) => SHARED.some((r) => r.test(p));
const stripExt = (p) => p.replace(/\.(d\.ts|ts|tsx|mts|cts|js|jsx|mjs|cjs)$/, '');
const toPosix = (p) => p.split(sep).join('/');
const listed = (list, from) => list.some((e) => (e.endsWith('/') ? from.startsWith(e) : e === from));

/**
 * The wall an import from `from` (repo path, no extension) of `spec` crosses, as a message, or
 * undefined. `target` is the resolved repo path of a relative import (undefined for a package).
 */
export function wallCrossed(from, spec, target, { electronModule = [], typeOnly = false, workflowDoors = true } = {}) {
  const inElectron = from.startsWith('electron/');
  if (spec === 'electron' || spec.startsWith('electron/')) {
    if (!target && (inElectron || from.startsWith('renderer/')) && !listed(electronModule, from)) {
      return `only ${electronModule.join(', ')} may import the 'electron' module; pass what is needed in from there`;
    }
    if (!target) return undefined;
  }
  if (!target) {
    if (isShared(from) && spec.startsWith('node:')) return `${from} is shared with the renderer: it cannot import ${spec}`;
    return undefined;
  }
  if (from.startsWith('renderer/') && target.startsWith('electron/') && !isShared(target)) {
    return `renderer/ may import from electron/ only electron/api/** and electron/transport/protocol (not ${target})`;
  }
  if (isShared(from) && target.startsWith('electron/') && !isShared(target)) {
    return `${from} is shared with the renderer: it may import only electron/api/** and electron/transport/protocol (not ${target})`;
  }
  if (inElectron && target.startsWith('renderer/')) return `electron/ never imports renderer/ (${target})`;
  if (target.startsWith(DESKTOP) && from !== 'electron/main' && !from.startsWith(DESKTOP)) {
    return `only electron/main imports ${DESKTOP} (Electron only; web mode must not load it), not ${from}`;
  }
  const domain = DOMAINS.find((d) => from.startsWith(`electron/${d}/`));
  if (domain && (target.startsWith('electron/workflows/') || target.startsWith('electron/transport/') || WIRING.includes(target))) {
    return `electron/${domain}/ is a domain folder: it never imports workflows, transports or the app's wiring (${target})`;
  }
  const area = /^electron\/workflows\/([^/]+)\//.exec(from)?.[1];
  const other = /^electron\/workflows\/([^/]+)\/(.+)$/.exec(target);
  if (workflowDoors && area && other && other[1] !== area) {
    const door = other[2] === 'handlers' || (typeOnly && other[2] === 'service');
    if (!door) return `workflows/${area} reaches workflows/${other[1]} only through its handlers.ts (what app.ts wires), not ${target}`;
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layers = {
  meta: {
    type: 'problem',
    docs: { description: "Imports may not cross Lifeboat's layer walls (scripts/lint/layers.mjs)." },
    schema: [
      {
        type: 'object',
        properties: {
          electronModule: { type: 'array', items: { type: 'string' } },
          workflowDoors: { type: 'boolean' },
          knownViolations: {
            type: 'array',
            items: {
              type: 'object',
              properties: { from: { type: 'string' }, to: { type: 'string' }, why: { type: 'string' } },
              required: ['from', 'to', 'why'],
            },
          },
        },
        additionalProperties: false,
      },
    ],
    messages: { wall: 'Layer wall: {{why}}.' },
  },
  create(context) {
    const opts = context.options[0] ?? {};
    const root = context.cwd;
    const from = stripExt(toPosix(relative(root, context.filename)));
    const known = opts.knownViolations ?? [];
    const check = (node, source, typeOnly = false) => {
      if (!source || typeof source.value !== 'string') return;
      const spec = source.value;
      const target = spec.startsWith('.') ? stripExt(toPosix(relative(root, join(dirname(context.filename), spec)))) : undefined;
      const why = wallCrossed(from, spec, target, { electronModule: opts.electronModule, workflowDoors: opts.workflowDoors, typeOnly });
      if (!why || known.some((k) => k.from === from && k.to === (target ?? spec))) return;
      context.report({ node: source, messageId: 'wall', data: { why } });
    };
    const allTypes = (n) =>
      n.importKind === 'type' ||
      n.exportKind === 'type' ||
      (n.specifiers?.length > 0 && n.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
    return {
      ImportDeclaration: (n) => check(n, n.source, allTypes(n)),
      ExportNamedDeclaration: (n) => check(n, n.source, allTypes(n)),
      ExportAllDeclaration: (n) => check(n, n.source, n.exportKind === 'type'),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source),
      TSImportType: (n) => {
        const lit = n.argument?.literal ?? n.argument;
        if (lit?.type === 'Literal') check(n, lit, true);
      },
      CallExpression: (n) => {
        if (n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0]?.type === 'Literal') check(n, n.arguments[0]);
      },
    };
  },
};

export default { meta: { name: 'lifeboat' }, rules: { layers } };
