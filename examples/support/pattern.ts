import type { ObservableInput, SchedulerLike } from 'rxjs';

/**
 * What an example gets: the scheduler that times everything it does (one
 * unit of the reference = one unit of this scheduler's clock), and `log`,
 * which prints `t=<units since the example started> <message>`.
 */
export interface ExampleEnv {
  readonly scheduler: SchedulerLike;
  readonly log: (message: string) => void;
}

/** One of the twelve reference patterns, reproduced with rxjs-cancel. */
export interface Pattern {
  /** The name of the asyncio function it reproduces, as the reference prints it. */
  readonly name: string;
  /** The program: it is over when what it returns completes (or errors). */
  run(env: ExampleEnv): ObservableInput<unknown>;
}
