/**
 * Marble tests in which Promise, async-iterable and `fromAbortable` cleanups
 * settle in virtual time: {@link runAsync}.
 *
 * @module rxjs-cancel/testing
 */
// rxjs-cancel/testing: marble tests in which Promise cleanups settle in
// virtual time. A second entry point, so the main one never loads rxjs/testing.
export { runAsync, type AsyncRunHelpers, type FakeTimers, type RunAsyncOptions } from './runAsync';
