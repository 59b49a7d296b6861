// A benchmark server stops when the run that started it goes away (its stdin closes), even on SIGKILL.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));

/** One JSON line on stdout that the run waits for. */
export function announce(fields) {
  process.stdout.write(`${JSON.stringify({ ready: true, ...fields })}\n`);
}
