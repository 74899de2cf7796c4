/** The part of pidusage 4 the benchmarks use (the package ships no types). */
declare module 'pidusage' {
  export interface Status {
    /** Percent of one core since the previous call (can exceed 100 on several cores). */
    cpu: number;
    /** Resident set size in bytes. */
    memory: number;
    elapsed: number;
    timestamp: number;
  }
  function pidusage(pid: number): Promise<Status>;
  namespace pidusage {
    function clear(): void;
  }
  export default pidusage;
}
