import { UNSUBSCRIBED } from '../errors';

/**
 * Why a subscription ended, as a cleanup (or a detached-work callback) sees it.
 *
 * @group Options and types
 */
export type Exit =
  | {
      /** The source completed. */
      readonly kind: 'complete';
    }
  | {
      /** The source errored. */
      readonly kind: 'error';
      /** What it errored with. */
      readonly error: unknown;
    }
  | {
      /** The subscription was cancelled (unsubscribed) before the source ended. */
      readonly kind: 'cancel';
      /** Why: the canceller's reason, or `UNSUBSCRIBED` for a plain unsubscribe. */
      readonly reason: unknown;
    };

// Shared so that the common exits allocate nothing.
export const COMPLETE_EXIT: Exit = Object.freeze({ kind: 'complete' });
export const UNSUBSCRIBED_EXIT: Exit = Object.freeze({ kind: 'cancel', reason: UNSUBSCRIBED });

export function errorExit(error: unknown): Exit {
  return { kind: 'error', error };
}

export function cancelExit(reason: unknown): Exit {
  return reason === UNSUBSCRIBED ? UNSUBSCRIBED_EXIT : { kind: 'cancel', reason };
}
