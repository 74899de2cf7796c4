// pidusage 4 ships no types (and @types/pidusage is not installed): the part the benchmarks use.
declare module 'pidusage' {
  interface Status {
    readonly cpu: number;
    /** Resident set size in bytes. */
    readonly memory: number;
    readonly pid: number;
    /** CPU time used so far (user + system, every thread of the process), in ms; on Linux from /proc/<pid>/stat. */
    readonly ctime: number;
    readonly elapsed: number;
    readonly timestamp: number;
  }
  function pidusage(pid: number): Promise<Status>;
  namespace pidusage {
    function clear(): void;
  }
  export default pidusage;
}
