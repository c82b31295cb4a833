/** Contract area "activity": the bundled tools and the operation journal (every tool run, its output). */
import { z } from 'zod';
import { CancelResult, empty, method } from './shared.js';

export const BundledTool = z.object({
  name: z.enum(['velero', 'kubectl-kots']),
  version: z.string(),
  path: z.string().optional(),
  status: z.enum(['ok', 'missing', 'tampered', 'unverified']),
  message: z.string().optional(),
  source: z.enum(['bundled', 'override']),
});
export type BundledTool = z.infer<typeof BundledTool>;

export const JournalEntry = z.object({
  id: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  tool: z.string(),
  /** argv with secrets redacted */
  args: z.array(z.string()),
  exitCode: z.number().nullable().optional(),
  durationMs: z.number().optional(),
  outcome: z.enum(['running', 'succeeded', 'failed', 'cancelled', 'timed-out']),
  summary: z.string().optional(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

export const ToolOutputLine = z.object({
  runId: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
  at: z.string(),
  /** Why this line is not what its stream suggests (e.g. kots's version check on stderr: not an error). */
  note: z.string().optional(),
});
export type ToolOutputLine = z.infer<typeof ToolOutputLine>;

const RunIdInput = z.object({ runId: z.string().min(1).max(100) }).strict();

export const activityMethods = {
  'tools.list': method(empty, z.array(BundledTool)),

  'activity.list': method(z.object({ limit: z.number().int().min(1).max(5000).default(200) }).strict(), z.array(JournalEntry)),
  'activity.output': method(RunIdInput, z.array(ToolOutputLine)),
  'activity.cancel': method(RunIdInput, CancelResult),
} as const;

export const activityEvents = {
  'activity.entry': JournalEntry,
  'activity.output': ToolOutputLine,
} as const;
