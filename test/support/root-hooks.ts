/**
 * Mocha root hooks (loaded by .mocharc.json). After the whole run, say what is still open in this process: a
 * child process or a socket a suite did not close would keep the run from ending. Mocha's `exit` option ends
 * it anyway, so that CI never waits on a leak; this line says there was one, and of what kind.
 */
const IDLE = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'Timeout', 'Immediate']);

export const mochaHooks = {
  afterAll(this: Mocha.Context): void {
    const open = process.getActiveResourcesInfo().filter((kind) => !IDLE.has(kind));
    if (open.length > 0) {
      const counts = new Map<string, number>();
      for (const kind of open) counts.set(kind, (counts.get(kind) ?? 0) + 1);
      const listed = [...counts].map(([kind, count]) => `${String(count)} × ${kind}`).join(', ');
      console.warn(`\n  still open after the run (a suite did not close them; mocha --exit ends them): ${listed}`);
    }
  },
};
