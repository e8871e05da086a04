import { UNSUBSCRIBED } from '../errors';

/** Why a subscription ended, as a cleanup (or a detached-work callback) sees it. */
export type Exit =
  | { readonly kind: 'complete' }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'cancel'; readonly reason: unknown };

// Shared so that the common exits allocate nothing.
export const COMPLETE_EXIT: Exit = Object.freeze({ kind: 'complete' });
export const UNSUBSCRIBED_EXIT: Exit = Object.freeze({ kind: 'cancel', reason: UNSUBSCRIBED });

export function errorExit(error: unknown): Exit {
  return { kind: 'error', error };
}

export function cancelExit(reason: unknown): Exit {
  return reason === UNSUBSCRIBED ? UNSUBSCRIBED_EXIT : { kind: 'cancel', reason };
}
