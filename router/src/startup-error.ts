/** Turns a start-up failure into a message that says what to do. */
export function describeStartupError(err: unknown, port: number): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') {
    return `Port ${port} is already in use. Stop the process that holds it, or start AITIP on another port with PORT=<port>.`;
  }
  if (e.code === 'EACCES') return `Not allowed to listen on port ${port}; choose a port above 1024 with PORT=<port>.`;
  return e.message ?? String(err);
}
