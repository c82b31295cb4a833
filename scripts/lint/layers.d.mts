import type { ESLint, Rule } from 'eslint';

export function wallCrossed(
  from: string,
  spec: string,
  target: string | undefined,
  options?: { electronModule?: string[]; typeOnly?: boolean; workflowDoors?: boolean },
): string | undefined;
export const layers: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
