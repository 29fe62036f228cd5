// A step's action as the provider sees it: a host-config is rendered through the Linux device
// (devices/linux/render.ts) into bulk actions; the other host actions are the provider's already.
// The executor and `overlab plan` both go through here, so the dry run prints what a run runs.
import { renderIntent } from '../devices/linux/render.js';
import type { BulkAction } from '../providers/types.js';
import type { HostAction, StepAction } from './types.js';

export type HostConfig = Extract<StepAction, { type: 'host-config' }>;

export function renderHostConfig(action: HostConfig): BulkAction[] {
  return renderIntent(action.host, action.intent);
}

export function hostActions(action: Exclude<StepAction, { type: 'write-files' }>): HostAction[] {
  return action.type === 'host-config' ? renderHostConfig(action) : [action];
}
