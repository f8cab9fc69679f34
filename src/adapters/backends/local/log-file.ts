// Reading a growing log file from a byte offset: shared by local commit jobs and local dev machines.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { LogChunk } from '../../../core/model.js';

/** At most this much per read: a follower asks again for the rest. */
const MAX_CHUNK = 4 * 1024 * 1024;

/** Length of buf[0..n) without an incomplete trailing UTF-8 sequence (it is read next time). */
export function completeUtf8(buf: Buffer, n: number): number {
  let i = n - 1;
  while (i >= 0 && i > n - 4 && (buf[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return n;
  const b = buf[i]!;
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return i + need <= n ? n : i;
}

/**
 * The text of `file` from byte `from`. `done` says the writer has ended; the caller decides it
 * before reading so that the last bytes written before exit are never missed.
 */
export function readLogFile(file: string, from: number, done: boolean): LogChunk {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    return { text: '', next: from, done };
  }
  if (size <= from) return { text: '', next: Math.min(from, size), done };
  const fd = openSync(file, 'r');
  try {
    const len = Math.min(size - from, MAX_CHUNK);
    const buf = Buffer.alloc(len);
    const n = readSync(fd, buf, 0, len, from);
    const end = completeUtf8(buf, n);
    return {
      text: buf.subarray(0, end).toString('utf8'),
      next: from + end,
      done: done && from + end >= size,
    };
  } finally {
    closeSync(fd);
  }
}
