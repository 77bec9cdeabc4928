import { DataError } from '../../errors.js';
import { errorLine } from '../../text.js';

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
  EISDIR: 'is a folder',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

/** A file-system error as one line naming the path: `cannot read <path>: permission denied`. */
export function fileSystemError(path: string, error: unknown, verb = 'read'): DataError {
  if (error instanceof DataError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code && REASONS[code]) ?? errorLine(error);
  return new DataError(`cannot ${verb} ${path}: ${reason}`, { cause: error });
}
