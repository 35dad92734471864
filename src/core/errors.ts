/**
 * Every error the core raises carries a one-line message naming the problem and a hint saying what to do.
 * The CLI prints `error: <message>` and `hint: <hint>`; exit codes come from `exitCode`.
 */
export class LxcriError extends Error {
  /** 1 = the operation failed, 2 = bad usage or input, 130 = interrupted by the user (Ctrl-C). */
  readonly exitCode: 1 | 2 | 130;
  readonly hint: string;
  readonly code: string;
  constructor(code: string, message: string, hint: string, exitCode: 1 | 2 | 130 = 1) {
    super(message);
    this.name = 'LxcriError';
    this.code = code;
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

/** Bad input: a malformed name, an unknown option, an invalid config value. Nothing has run. */
export class UsageError extends LxcriError {
  constructor(message: string, hint: string) {
    super('usage', message, hint, 2);
    this.name = 'UsageError';
  }
}

/** The operation is not allowed in the current state (held snapshot, active branch, missing confirmation). */
export class RefusedError extends LxcriError {
  constructor(message: string, hint: string) {
    super('refused', message, hint, 1);
    this.name = 'RefusedError';
  }
}

export class NotFoundError extends LxcriError {
  constructor(message: string, hint: string) {
    super('not-found', message, hint, 1);
    this.name = 'NotFoundError';
  }
}

/** The user interrupted (Ctrl-C at a prompt) before anything ran. */
export class AbortedError extends LxcriError {
  constructor(message: string) {
    super('aborted', message, 'nothing was changed', 130);
    this.name = 'AbortedError';
  }
}
