// rxjs-cancel/testing: marble tests in which Promise cleanups settle in
// virtual time. A second entry point, so the main one never loads rxjs/testing.
export { runAsync, type AsyncRunHelpers, type FakeTimers, type RunAsyncOptions } from './runAsync';
