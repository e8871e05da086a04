import p1_basic from './patterns/01-basic-cancel';
import p2_wait_for from './patterns/02-wait-for';
import p3_cancel_group from './patterns/03-cancel-group';
import p4_cleanup from './patterns/04-cleanup';
import p5_loop from './patterns/05-loop';
import p6_shield from './patterns/06-shield';
import p7_context_manager from './patterns/07-context-manager';
import p8_reason from './patterns/08-reason';
import p9_multiple from './patterns/09-multiple';
import p10_custom_timeout from './patterns/10-custom-timeout';
import p11_task_group from './patterns/11-task-group';
import p12_timeout_waits_for_cleanup from './patterns/12-timeout-waits-for-cleanup';
import p13_typeahead from './more/13-typeahead';
import p14_happy_eyeballs from './more/14-happy-eyeballs';
import type { Example } from './support/timeline';

// Each example is named after the asyncio function it reproduces (its
// `name`, which the runner prints as the reference prints `__name__`).

/** The twelve patterns of ../shared/reference/asyncio_patterns.py, in its order (1-based there). */
export const patterns: readonly Example[] = [
  p1_basic,
  p2_wait_for,
  p3_cancel_group,
  p4_cleanup,
  p5_loop,
  p6_shield,
  p7_context_manager,
  p8_reason,
  p9_multiple,
  p10_custom_timeout,
  p11_task_group,
  p12_timeout_waits_for_cleanup,
];

/**
 * Two more, for the operators that cancel where RxJS code cancels most
 * (examples/reference/more_patterns.py, numbered 13 and 14 after the twelve).
 */
export const morePatterns: readonly Example[] = [p13_typeahead, p14_happy_eyeballs];
