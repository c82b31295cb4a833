/**
 * The restore wizard's steps, one file each. Each reads the store and calls its actions; none talks to the API.
 */
export { BackupStep } from './BackupStep.js';
export { ConfirmStep } from './ConfirmStep.js';
export { ReportStep } from './ReportStep.js';
export { RunStep } from './RunStep.js';
export { SituationStep } from './SituationStep.js';
export { TypeStep } from './TypeStep.js';
