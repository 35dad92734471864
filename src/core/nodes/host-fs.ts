/**
 * The files of one node: what the core reads and writes on disk (pct and lxc configs, storage.cfg, mountinfo, the
 * state dir, locks, journal, events.log, the image store). A node is a Runner plus one of these; the local machine
 * and a node over ssh are two implementations of the same pair, so every operation works on any node unchanged.
 */
export interface HostFs {
  /** Where the files are: "local" for this machine, else the node's name (for messages). */
  readonly where: string;
  /** The text of a file, or undefined when it does not exist or cannot be read. */
  readFile(path: string): Promise<string | undefined>;
  /** The names in a directory ([] when it does not exist). */
  readDir(path: string): Promise<string[]>;
  /**
   * Writes so readers see the old or the new content, never a torn one (parent directories created). Durable (on
   * disk before it replaces the old content) unless `durable: false` lets it skip the sync; an implementation may
   * ignore that and always sync.
   */
  writeAtomic(path: string, content: string, opts?: { durable?: boolean }): Promise<void>;
  /** Creates the file only if it does not exist (a lock; parent directories created); false when it already did. */
  createExclusive(path: string, content: string): Promise<boolean>;
  /** Appends in one write (O_APPEND: lines from several writers never interleave); parent directories created. */
  append(path: string, content: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file or a directory tree; no error when it is already gone. */
  remove(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  /**
   * Removes the file only if its content is exactly `content` (a lock still this process's), checked and removed in
   * one go. Absent: the caller reads, compares and removes.
   */
  removeIfContent?(path: string, content: string): Promise<void>;
  /**
   * All of these directories exist (made like mkdir -p) and take a file (made and removed), checked in one go: true
   * when so; false when one does not (the caller then checks each to say which and why). Absent: check each.
   */
  probeDirs?(paths: readonly string[]): Promise<boolean>;
}
