import basicCancel from './patterns/01-basic-cancel';
import waitFor from './patterns/02-wait-for';
import cancelGroup from './patterns/03-cancel-group';
import cleanup from './patterns/04-cleanup';
import loop from './patterns/05-loop';
import shield from './patterns/06-shield';
import contextManager from './patterns/07-context-manager';
import reason from './patterns/08-reason';
import multiple from './patterns/09-multiple';
import customTimeout from './patterns/10-custom-timeout';
import taskGroup from './patterns/11-task-group';
import timeoutWaitsForCleanup from './patterns/12-timeout-waits-for-cleanup';
import typeahead from './more/13-typeahead';
import happyEyeballs from './more/14-happy-eyeballs';
import type { Pattern } from './support/pattern';

/** The twelve patterns of ../shared/reference/asyncio_patterns.py, in its order (1-based there). */
export const patterns: readonly Pattern[] = [
  basicCancel,
  waitFor,
  cancelGroup,
  cleanup,
  loop,
  shield,
  contextManager,
  reason,
  multiple,
  customTimeout,
  taskGroup,
  timeoutWaitsForCleanup,
];

/**
 * Two more, for the operators that cancel where RxJS code cancels most
 * (examples/reference/more_patterns.py, numbered 13 and 14 after the twelve).
 */
export const morePatterns: readonly Pattern[] = [typeahead, happyEyeballs];
