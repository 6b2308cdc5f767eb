import { AppError } from '../../src/kernel/errors.js';

/** The AppError a call is refused with; fails the test when the call succeeds or throws something else. */
export async function refused(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the call to be refused');
}
