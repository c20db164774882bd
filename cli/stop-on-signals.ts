// Long-running commands (operator, runner) stop in order on SIGTERM (Kubernetes) or SIGINT
// (Ctrl-C), once, then exit: 0 when the stop completed, 1 when it failed.
export function stopOnSignals(command: string, running: { stop(): Promise<void> }): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(`flotilla ${command}: stopping on ${signal} failed: ${err}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
