import { TestScheduler } from 'rxjs/testing';
import { normalize } from './errors';

/** A TestScheduler whose equality ignores stacks but not what errors carry. */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(normalize(actual)).toEqual(normalize(expected));
  });
}
