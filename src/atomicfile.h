/*
 * atomicfile - replace a file's content atomically; make private
 * directories.
 *
 * atomicfile_write() never leaves a half-written file behind. The data
 * goes to a fresh temporary file in the target's directory (created with
 * O_EXCL and O_NOFOLLOW), which gets the target's mode and owner (owner
 * where permitted) or new_mode for a new file, is written in full,
 * fsync'd and renamed over the target; the directory is fsync'd last.
 * The previous content can be kept in a backup file, itself written the
 * same way (with the previous file's mode) before the target is
 * replaced. On any failure before the final rename every temporary file
 * is removed and the target is untouched; a failure to sync the
 * directory after the rename is still reported, the new content being
 * in place.
 *
 * The target (and the backup) must be a regular file or missing: a
 * symbolic link there is refused, not followed, so callers that mean to
 * write through a link resolve it first.
 *
 * Ownership: every argument is borrowed; nothing is kept.
 */
#ifndef ROLEHOP_ATOMICFILE_H
#define ROLEHOP_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Replace path's content with len bytes of data, as described above.
 * backup_path: where to keep the previous content, or NULL for no
 * backup (none is made when path does not exist yet). Errors (ST_IO)
 * name the path. */
enum status atomicfile_write(const char *path, const void *data, size_t len,
                             mode_t new_mode, const char *backup_path,
                             struct err *);

/* Write all len bytes of data to fd, retrying short writes and EINTR. 0,
 * or -1 with errno set. */
int atomicfile_write_fd(int fd, const void *data, size_t len);

/* Create dir and its missing ancestors, each with mode 0700 whatever the
 * umask; directories that exist are left as they are. */
enum status atomicfile_mkdirs(const char *dir, struct err *);

/* Create the missing directories above path (0700), not path itself. */
enum status atomicfile_mkparents(const char *path, struct err *);

#endif
